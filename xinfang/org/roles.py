"""What each role may do, as Django permissions on the role's group.

Later apps add their permissions to ``ROLE_PERMISSIONS``; ``services.roles_sync`` makes the groups match
(run by ``migrate``'s follow-up ``manage.py sync_roles``, by ``seed_demo`` and by the test setup).
"""

from .choices import Role

_VIEW_ORG = ["org.view_region", "org.view_unit", "org.view_user"]
_REGION_WIDE = ["org.view_jurisdiction"]

_VIEW_CASES = ["cases.view_case", "cases.view_category", "deadlines.view_card", "deadlines.view_deadline"]
_BOARD = ["deadlines.view_deadline_board"]

_VIEW_VISITS = ["visits.view_receptionslot", "visits.view_receptionschedule", "visits.view_reception",
                "visits.view_fieldvisit", "visits.view_returnvisit", "visits.view_meeting",
                "visits.view_appointment"]
_VISIT_REPORTS = ["visits.view_compliance", "visits.view_visit_stats"]
_DASHBOARD = ["dashboards.view_dashboard"]
_VIEW_DOSSIERS = ["dossiers.view_dossier", "dossiers.view_listing", "scoring.view_pointentry",
                  "scoring.view_rankingsnapshot"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CASEWORKER: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + [
        "cases.register_case", "cases.route_case", "cases.approve_extension", "cases.decide_appeal",
        "cases.view_personal_data", "cases.export_case",
    ] + _BOARD + ["deadlines.issue_supervision", "deadlines.view_ruleset"] + _VIEW_VISITS + _VISIT_REPORTS + [
        "visits.manage_schedule", "visits.add_appointment", "visits.add_reception", "visits.record_field_visit",
        "visits.change_returnvisit", "visits.add_meeting",
    ] + _VIEW_DOSSIERS + ["dossiers.manage_dossier", "dossiers.claim_listing"] + _DASHBOARD + [
        "online.view_submission", "online.register_submission"],
    Role.UNIT_OFFICER: _VIEW_ORG + _VIEW_CASES + ["cases.handle_case", "visits.view_receptionslot",
                                                  "visits.view_returnvisit"] + _VIEW_DOSSIERS + [
        "dossiers.claim_listing"],
    Role.LEADER: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + _BOARD + [
        "cases.approve_extension", "cases.export_case", "deadlines.issue_supervision",
    ] + _VIEW_VISITS + _VISIT_REPORTS + ["visits.add_reception", "visits.add_meeting", "visits.record_field_visit"]
    + _VIEW_DOSSIERS + ["dossiers.designate_backlog", "dossiers.approve_claim"] + _DASHBOARD,
    Role.FIELD_CADRE: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + ["cases.register_case"] + _VIEW_VISITS + [
        "visits.add_appointment", "visits.record_field_visit", "visits.change_returnvisit", "visits.add_meeting",
    ] + _VIEW_DOSSIERS + ["dossiers.claim_listing"],
    Role.COUNTY_ADMIN: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + [
        "cases.add_category", "cases.change_category", "rules.view_rulesversion", "rules.add_rulesversion",
        "deadlines.view_ruleset", "deadlines.add_ruleset", "deadlines.change_ruleset",
        "workdays.view_calendarday", "workdays.add_calendarday", "workdays.delete_calendarday",
        "workdays.add_calendaryear",
        "visits.manage_schedule",
        "dossiers.publish_listing",
        "scoring.add_rankingsnapshot", "scoring.add_pointentry",
        "exchange.view_ledgerimport", "exchange.import_ledger",
    ] + _BOARD + _VIEW_VISITS + _VISIT_REPORTS + _VIEW_DOSSIERS + _DASHBOARD,
    Role.AUDITOR: _REGION_WIDE + _VIEW_ORG + _VIEW_CASES + _BOARD + [
        "cases.view_personaldataaccess", "rules.view_rulesversion",
    ] + _VIEW_VISITS + _VISIT_REPORTS + _VIEW_DOSSIERS + _DASHBOARD,
    # 三员分立 (choices.ADMINISTRATORS).
    Role.SYSTEM_ADMIN: _REGION_WIDE + _VIEW_ORG + [
        "org.add_unit", "org.change_unit", "org.add_user", "org.change_user",
        "org.view_apiclient", "org.add_apiclient", "org.change_apiclient",
        "exchange.view_subscriber", "exchange.add_subscriber", "exchange.change_subscriber", "exchange.view_message",
    ],
    Role.SECURITY_ADMIN: _REGION_WIDE + _VIEW_ORG + ["org.assign_role", "accounts.manage_security"],
    Role.AUDIT_ADMIN: ["org.view_auditevent", "org.verify_auditevent", "org.export_auditevent"],
}
