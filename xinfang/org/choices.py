"""Choices of the organisation app. Labels are Chinese source strings; locale/en translates them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    """The five administrative levels. The number is also the depth of the region in the tree."""

    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县")
    TOWNSHIP = 4, _("乡镇")
    VILLAGE = 5, _("村居")


# How many leading digits of the 12-digit statistical division code belong to each level
# (GB/T 2260 for the first six, the NBS rural-urban codes for townships and villages).
CODE_PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}


class UnitKind(models.TextChoices):
    """What kind of body a unit is; drives routing defaults and the five-colour tables later."""

    PETITION_BUREAU = "petition_bureau", _("信访局")
    PARTY_GOVERNMENT = "party_government", _("党委政府")
    DEPARTMENT = "department", _("职能部门")
    POLITICAL_LEGAL = "political_legal", _("政法单位")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")
    ENTERPRISE = "enterprise", _("国有企业")
    OTHER = "other", _("其他")


class TokenScope(models.TextChoices):
    """What an API client's token may do."""

    READ = "read", _("只读")
    WRITE = "write", _("读写")


class Role(models.TextChoices):
    """Roles are Django groups of these names; a user may hold several. See org/roles.py for permissions."""

    CASEWORKER = "caseworker", _("信访干部")
    UNIT_OFFICER = "unit_officer", _("承办单位经办人")
    LEADER = "leader", _("领导")
    FIELD_CADRE = "field_cadre", _("信访专员/网格员")
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    AUDITOR = "auditor", _("审计员")
    # 三员分立: three administrators, never one account (ADMINISTRATORS).
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三员分立 (GB/T 22239 三级): the system administrator manages units, users and API clients; the security administrator
# the roles and the password and login rules; the audit administrator reads and checks the audit trail and nothing
# else. No account holds two of them, and the audit administrator holds no other role at all.
ADMINISTRATORS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
