"""The organisation: where things are (regions), who does the work (units, users) and who may see what."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.names import search_key, split_aliases

from .choices import RegionLevel, TokenScope, UnitKind
from .scoping import Scoping

PATH_SEPARATOR = "/"
# A path holds one 12-digit code and a separator per level; a county's is the first three of them, a township's the
# first four.
COUNTY_PATH_LENGTH = 3 * (12 + len(PATH_SEPARATOR))
TOWNSHIP_PATH_LENGTH = 4 * (12 + len(PATH_SEPARATOR))


def with_township(name: str, region) -> str:
    """``name`` with the township beside it when ``region`` is a village or community: 高桥村村委会（石牌镇）."""
    if region.level == RegionLevel.VILLAGE and region.parent_id:
        return _("%(name)s（%(township)s）") % {"name": name, "township": region.parent.name}
    return name


class Region(models.Model):
    """An administrative division at one of the five levels (省/市/县/乡镇/村居).

    ``code`` is the 12-digit statistical division code (统计用区划代码). ``path`` is the materialised path of
    the codes from the province down to this region, each followed by ``/``; every region in the subtree
    of X has a path that starts with X's path, so "everything under this county" is one indexed
    ``LIKE 'prefix%'`` query (see ``Region.subtree``). Paths are written only by ``services.region_create``.
    """

    scoping = Scoping(region="")

    code = models.CharField(
        _("区划代码"), max_length=12, unique=True,
        validators=[RegexValidator(r"^[0-9]{12}$", _("区划代码必须是12位数字。"))],
    )
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=80, unique=True, editable=False)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        permissions = [("view_jurisdiction", _("可查看本辖区全部数据"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{12}$"),
                name="org_region_code_12_digits",
                violation_error_message=_("区划代码必须是12位数字。"),
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="org_region_level_1_to_5",
                violation_error_message=_("层级必须是省、市、县、乡镇或村居。"),
            ),
            models.CheckConstraint(
                condition=models.Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | models.Q(level__gt=RegionLevel.PROVINCE, parent__isnull=False),
                name="org_region_only_provinces_are_roots",
                violation_error_message=_("只有省级区划没有上级。"),
            ),
        ]
        indexes = [
            # Region.subtree() and every jurisdiction filter (scoping.scoped) run path LIKE 'prefix%'.
            models.Index(fields=["path"], name="org_region_path_like", opclasses=["varchar_pattern_ops"]),
            # Lists by level within a parent (the region tree page, the seed's township lists).
            models.Index(fields=["parent", "level"], name="org_region_parent_level"),
        ]

    def __str__(self):
        return self.name

    @property
    def picker_label(self) -> str:
        """The name as pickers show it: a village or community with its township (needs parent loaded)."""
        return with_township(self.name, self)

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the province down to this region, this one included."""
        return [code for code in self.path.split(PATH_SEPARATOR) if code]

    def subtree(self):
        """This region and every region under it, as one indexed query."""
        return Region.objects.filter(path__startswith=self.path)

    def ancestor_at(self, level: int) -> "Region | None":
        """The region at ``level`` above (or equal to) this one, or None when this one is higher up."""
        if level > self.level:
            return None
        if level == self.level:
            return self
        return Region.objects.get(code=self.ancestor_codes[level - 1])


class Unit(models.Model):
    """A government body or department (县信访局, 住建局, 某镇党委政府, 某村委会 …) seated in a region.

    Cases are assigned to units, users belong to one unit, and a unit's region is the anchor of its
    users' jurisdiction.
    """

    scoping = Scoping(region="region", unit="")

    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    aliases = models.CharField(_("别名"), max_length=200, blank=True,
                               help_text=_("群众和干部的其他叫法，用空格或顿号分隔，如：住建局、建设局。"))
    # The name, short name and aliases with their pinyin (xinfang.names.search_key): what the unit pickers search.
    search_key = models.TextField(_("检索词"), blank=True, editable=False)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("分管领导"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="led_units", help_text=_("红黄牌的责任领导；下级单位的红牌逾期未办，提请其督办。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="org_unit_unique_name_per_region",
                violation_error_message=_("同一区划下已有同名单位。"),
            ),
        ]
        indexes = [
            # The unit list filtered by kind within a jurisdiction (UnitFilterSet, assignment autocomplete).
            models.Index(fields=["region", "kind"], name="org_unit_region_kind"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = search_key(self.name, self.short_name, *split_aliases(self.aliases))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    @property
    def picker_label(self) -> str:
        """The name as pickers show it: a village's or community's unit with its township beside it, so that two
        高桥村村委会 can be told apart (needs region__parent loaded: selectors.unit_list)."""
        return with_township(self.name, self.region)


class User(AbstractUser):
    """A person who signs in: staff of one unit, holding one or more roles (Django groups, see roles.py).

    A service account (``is_service_account``) is the identity of an API client, never a person.
    """

    scoping = Scoping(region="unit__region", unit="unit")

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    leader_level = models.PositiveSmallIntegerField(
        _("领导层级"), choices=RegionLevel.choices, null=True, blank=True,
        help_text=_("仅领导填写：省、市、县、乡镇、村居五级。"),
    )
    is_service_account = models.BooleanField(_("接口服务账号"), default=False, editable=False)
    # The county's password rules (xinfang.accounts): when the password was last set, and whether it must be changed
    # at the next login (a password an administrator gave, under the county's "change on first login").
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        permissions = [("assign_role", _("可分配角色"))]
        indexes = [
            # The user list and people autocomplete within a unit (UserFilterSet).
            models.Index(fields=["unit", "is_active"], name="org_user_unit_active"),
        ]

    def __str__(self):
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    @property
    def region(self) -> Region | None:
        """The anchor of this user's jurisdiction: their unit's region."""
        return self.unit.region if self.unit_id else None

    def role_codes(self) -> set[str]:
        """The codes of the roles this user holds, cached on the instance for the request."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes


class ApiClient(models.Model):
    """A named other system (12345 hotline, provincial system, BI tool) calling the REST API.

    It acts as its service account, which belongs to ``unit`` and so has that unit's jurisdiction. The token
    is shown once at creation; only its SHA-256 is stored. A revoked client is refused at once.
    """

    scoping = Scoping(region="unit__region", unit="unit")

    name = models.CharField(_("客户端名称"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="api_clients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("服务账号"), on_delete=models.PROTECT, related_name="api_client"
    )
    token_prefix = models.CharField(_("令牌前缀"), max_length=8)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), db_default=Now())
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("吊销人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    # The token's limits: until when, whether it may write, and which resources it may reach (empty: all the roles
    # of its service account allow).
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    scope = models.CharField(_("权限范围"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    endpoints = models.JSONField(_("可访问的接口"), default=list, blank=True)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="org_apiclient_unique_name_per_unit",
                violation_error_message=_("本单位已有同名的接口客户端。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def reaches(self, resource: str) -> bool:
        """Whether the token may call the API's resource (the first segment after /api/v1/)."""
        return not self.endpoints or resource in self.endpoints


class AuditEvent(models.Model):
    """An append-only record of who did what to which object, written by services in the same transaction.

    Never edited or deleted: the admin is read-only, services only insert, and the database refuses an UPDATE (and,
    on PostgreSQL, a DELETE) of a row (migration 0003). Tamper-evident: each row carries ``hash``, the SHA-256 of its
    content and of the row before it (``services.audit_verify`` names the first row that does not match).
    """

    scoping = Scoping(region="region")

    at = models.DateTimeField(_("时间"), db_default=Now(), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=50)
    object_type = models.CharField(_("对象类型"), max_length=50)
    object_id = models.CharField(_("对象ID"), max_length=40)
    object_repr = models.CharField(_("对象"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    hash = models.CharField(_("校验值"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        permissions = [("verify_auditevent", _("可校验审计链")), ("export_auditevent", _("可导出审计记录"))]
        indexes = [
            # An object's history (the timeline of a case, an API client's page).
            models.Index(fields=["object_type", "object_id"], name="org_audit_object"),
            # The audit administrator's search (AuditEventFilterSet): by person, by action, by address, newest first.
            models.Index(fields=["actor", "-at"], name="org_audit_actor_at"),
            models.Index(fields=["action", "-at"], name="org_audit_action_at",
                         opclasses=["varchar_pattern_ops", "timestamptz_ops"]),
            models.Index(fields=["ip_address", "-at"], name="org_audit_ip_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def chained_hash(self, previous: str) -> str:
        return audit_hash(self, previous)


def audit_hash(event, previous: str) -> str:
    """The SHA-256 of an audit row's content (in one canonical text) after the hash of the row before it; a
    function of the row's fields, so the migration that chained the rows already there computes it the same way."""
    content = json.dumps([event.at.astimezone(UTC).isoformat(), event.actor_id, event.action, event.object_type,
                          event.object_id, event.object_repr, event.region_id, event.changes, event.ip_address],
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((previous + content).encode()).hexdigest()


class Heartbeat(models.Model):
    """The last time a periodic process proved it is alive (``beat``: the heartbeat task that beat schedules).

    /healthz reads it; one row per name, upserted.
    """

    name = models.CharField(max_length=30, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
