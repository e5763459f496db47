"""What each role may do, as Django permissions on the role's group.

Later apps add their permissions to ``ROLE_PERMISSIONS``; ``services.roles_sync`` makes the groups match
(run by ``migrate``'s follow-up ``manage.py sync_roles``, by ``seed_demo`` and by the test setup).
"""

from .choices import Role

_VIEW_ORG = ["org.view_region", "org.view_unit", "org.view_user"]
_REGION_WIDE = ["org.view_jurisdiction"]

_VIEW_CASES = ["cases.view_case", "cases.view_category", "deadlines.view_card", "deadlines.view_deadline"]
_BOARD = ["deadlines.view_deadline_board"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CASEWORKER: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + [
        "cases.register_case", "cases.route_case", "cases.approve_extension", "cases.decide_appeal",
        "cases.view_personal_data", "cases.export_case",
    ] + _BOARD + ["deadlines.issue_supervision", "deadlines.view_ruleset"],
    Role.UNIT_OFFICER: _VIEW_ORG + _VIEW_CASES + ["cases.handle_case"],
    Role.LEADER: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + _BOARD + [
        "cases.approve_extension", "cases.export_case", "deadlines.issue_supervision",
    ],
    Role.FIELD_CADRE: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + ["cases.register_case"],
    Role.COUNTY_ADMIN: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + [
        "org.view_apiclient", "org.add_apiclient", "org.change_apiclient", "org.view_auditevent",
        "cases.add_category", "cases.change_category", "cases.view_casesettings", "cases.change_casesettings",
        "deadlines.view_ruleset", "deadlines.add_ruleset", "deadlines.change_ruleset",
        "workdays.view_calendarday", "workdays.add_calendarday", "workdays.delete_calendarday",
        "workdays.add_calendaryear",
    ] + _BOARD,
    Role.AUDITOR: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + _BOARD + [
        "org.view_auditevent", "cases.view_personaldataaccess",
    ],
}
