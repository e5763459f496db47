"""What each role may do, as Django permissions on the role's group.

Later apps add their permissions to ``ROLE_PERMISSIONS``; ``services.roles_sync`` makes the groups match
(run by ``migrate``'s follow-up ``manage.py sync_roles``, by ``seed_demo`` and by the test setup).
"""

from .choices import Role

_VIEW_ORG = ["org.view_region", "org.view_unit", "org.view_user"]
_REGION_WIDE = ["org.view_jurisdiction"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CASEWORKER: _REGION_WIDE + _VIEW_ORG,
    Role.UNIT_OFFICER: _VIEW_ORG,
    Role.LEADER: _REGION_WIDE + _VIEW_ORG,
    Role.FIELD_CADRE: _REGION_WIDE + _VIEW_ORG,
    Role.COUNTY_ADMIN: _REGION_WIDE
    + _VIEW_ORG
    + ["org.view_apiclient", "org.add_apiclient", "org.change_apiclient", "org.view_auditevent"],
    Role.AUDITOR: _REGION_WIDE + _VIEW_ORG + ["org.view_auditevent"],
}
