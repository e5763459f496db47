"""Writes of the organisation app. Each service validates, changes the data atomically and writes its audit
row in the same transaction. Keyword-only arguments; the acting user is named ``actor``."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.errors import Conflict, NotFound, NotPermitted, ValidationFailed, full_clean_or_fail
from xinfang.names import split_aliases

from .choices import ADMINISTRATORS, CODE_PREFIX_LENGTH, RegionLevel, Role, TokenScope, UnitKind
from .models import PATH_SEPARATOR, ApiClient, AuditEvent, Heartbeat, Region, Unit, User
from .roles import ROLE_PERMISSIONS
from .scoping import scoped

API_TOKEN_BYTES = 32


def require_own_county(*, actor, county: Region, permission: str, message=None) -> None:
    """County settings (rules, categories, the calendar) are changed only by holders of ``permission`` and only for
    a county in their jurisdiction."""
    if not actor.has_perm(permission):
        raise NotPermitted()
    if county.level != RegionLevel.COUNTY or not scoped(Region.objects.filter(pk=county.pk), actor).exists():
        raise NotPermitted(message or _("只能修改本县的规则。"), code="county_out_of_jurisdiction")


def require_visible(actor, obj, message=None, code: str = "not_found") -> None:
    """An object outside the actor's jurisdiction does not exist for them (404), whatever its kind."""
    if obj is None or not scoped(type(obj).objects.filter(pk=obj.pk), actor).exists():
        raise NotFound(message or _("未找到该对象。"), code=code)


def audit_record(*, actor, action: str, obj, region: Region | None = None, changes: dict | None = None,
                 ip_address: str | None = None) -> AuditEvent:
    """Append one audit row; call it inside the transaction of the change it records. The row is chained to the one
    before it (its hash covers the previous row's hash), one writer at a time."""
    return audit_append(
        actor=actor if actor is not None and actor.is_authenticated else None, action=action,
        object_type=obj._meta.label_lower, object_id=str(obj.pk), object_repr=str(obj)[:200], region=region,
        changes=changes or {}, ip_address=ip_address)


_CHAIN_LOCK = 7_401_001  # the advisory lock that lets one writer at a time extend the audit chain (PostgreSQL)


@transaction.atomic
def audit_append(**fields) -> AuditEvent:
    """The next row of the audit trail, its hash chained to the last row's."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    event = AuditEvent(at=timezone.now(), **fields)
    event.hash = event.chained_hash(previous)
    event.save(force_insert=True)
    return event


def audit_verify(*, chunk_size: int = 5000, anchor: str | None = None) -> AuditEvent | None:
    """The first audit row whose hash does not match its content and the row before it (edited, or a row before
    it removed or changed), or None when the whole chain holds. ``anchor``: the hash of the last row archived and
    removed, where the trail no longer starts at its first row (AUDIT_ANCHOR_HASH, docs/security.md)."""
    previous = anchor if anchor is not None else settings.AUDIT_ANCHOR_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.hash != event.chained_hash(previous):
            return event
        previous = event.hash
    return None


def audit_lines(queryset, *, chunk_size: int = 5000):
    """The audit rows of ``queryset`` as JSON lines for the archive, oldest first, each with its hash and the hash it
    is chained to, so an archived file can be checked against the chain (services.audit_verify) without the
    database."""
    previous = None
    for event in queryset.order_by("id").select_related("actor").iterator(chunk_size=chunk_size):
        if previous is None:
            previous = AuditEvent.objects.filter(id__lt=event.id).order_by("-id").values_list("hash", flat=True).first()
        yield json.dumps({
            "id": event.id, "at": event.at.isoformat(), "actor": event.actor.username if event.actor else None,
            "actor_id": event.actor_id, "action": event.action, "object_type": event.object_type,
            "object_id": event.object_id, "object_repr": event.object_repr, "region_id": event.region_id,
            "changes": event.changes, "ip_address": event.ip_address, "previous_hash": previous or "",
            "hash": event.hash}, ensure_ascii=False, default=str) + "\n"
        previous = event.hash


def export_record(*, actor, what: str, label, count: int | None, filters: dict, ip_address: str | None = None,
                  object_id: str = "") -> None:
    """Every export (the case ledger, a ranking sheet, a dossier's file, the audit trail itself) is in the trail:
    who took which rows, filtered how, from where."""
    audit_append(actor=actor, action=f"{what}.export"[:50], object_type=what, object_id=object_id[:40],
                 object_repr=str(label)[:200], region=actor.region,
                 changes={"rows": count, "filters": {k: v for k, v in filters.items() if v}}, ip_address=ip_address)


def audit_verify_record(*, actor, ip_address: str | None = None) -> AuditEvent | None:
    """The audit administrator checks the chain from the page: the result (the first broken row) is recorded."""
    if not actor.has_perm("org.verify_auditevent"):
        raise NotPermitted()
    broken = audit_verify()
    audit_append(actor=actor, action="audit.verify", object_type="org.auditevent",
                 object_id=str(broken.pk) if broken else "", object_repr=str(_("审计链校验"))[:200],
                 region=actor.region, changes={"intact": broken is None}, ip_address=ip_address)
    return broken


# Regions -------------------------------------------------------------------------------------------------

@transaction.atomic
def region_create(*, code: str, name: str, level: int, parent: Region | None = None) -> Region:
    """Create a region under ``parent``, one level below it. The code must carry the parent's code as its
    prefix (the statistical division codes nest: 340822 is a county of 3408, a city of 34)."""
    level = RegionLevel(level)
    if level == RegionLevel.PROVINCE:
        if parent is not None:
            raise ValidationFailed(_("省级区划不能有上级。"), code="invalid_region_parent")
    else:
        if parent is None or parent.level != level - 1:
            raise ValidationFailed(_("上级区划必须正好高一级。"), code="invalid_region_parent")
        prefix = parent.code[: CODE_PREFIX_LENGTH[RegionLevel(parent.level)]]
        if not code.startswith(prefix):
            raise ValidationFailed(
                _("区划代码 %(code)s 不在上级区划 %(parent)s 之下。") % {"code": code, "parent": parent.code},
                code="invalid_region_code",
            )
    path = (parent.path if parent else "") + code + PATH_SEPARATOR
    region = Region(code=code, name=name, level=level, parent=parent, path=path)
    full_clean_or_fail(region)
    region.save()
    return region


# Units ---------------------------------------------------------------------------------------------------

@transaction.atomic
def unit_create(*, name: str, kind: str, region: Region, short_name: str = "", aliases: str = "",
                parent: Unit | None = None, sort_order: int = 0) -> Unit:
    """Create a unit seated in ``region``."""
    unit = Unit(name=name, kind=UnitKind(kind), region=region, short_name=short_name,
                aliases="、".join(split_aliases(aliases)), parent=parent, sort_order=sort_order)
    full_clean_or_fail(unit)
    unit.save()
    return unit


@transaction.atomic
def unit_names_set(*, actor: User, unit: Unit, short_name: str, aliases: str, ip_address: str | None = None) -> Unit:
    """The county admin records what people call a unit (住建局 for 县住房和城乡建设局), so that pickers find it;
    audited with before and after."""
    if not actor.has_perm("org.change_unit"):
        raise NotPermitted()
    require_visible(actor, unit)
    before = {"short_name": unit.short_name, "aliases": unit.aliases}
    unit.short_name, unit.aliases = short_name.strip(), "、".join(split_aliases(aliases))
    full_clean_or_fail(unit)
    unit.save(update_fields=["short_name", "aliases"])
    audit_record(actor=actor, action="unit.names", obj=unit, region=unit.region,
                 changes={"before": before, "after": {"short_name": unit.short_name, "aliases": unit.aliases}},
                 ip_address=ip_address)
    return unit


# Roles and users -----------------------------------------------------------------------------------------

@transaction.atomic
def roles_sync() -> None:
    """Make one group per role hold exactly the permissions ROLE_PERMISSIONS gives it. Safe to run again."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={w.split(".", 1)[1] for w in wanted}
        )
    }
    missing = wanted - by_name.keys()
    if missing:
        raise RuntimeError(f"permissions not found (run migrate first): {sorted(missing)}")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([by_name[p] for p in perms])


@transaction.atomic
def user_create(*, username: str, name: str, unit: Unit | None, roles: list[str], password: str | None = None,
                title: str = "", leader_level: int | None = None, email: str = "",
                is_service_account: bool = False) -> User:
    """Create a user of ``unit`` holding ``roles``. Without a password the account cannot log in."""
    roles_check(roles)
    if Role.LEADER in roles and leader_level is None:
        raise ValidationFailed(_("领导必须填写领导层级。"), code="leader_level_required")
    user = User(username=username, name=name, unit=unit, title=title, leader_level=leader_level, email=email,
                is_service_account=is_service_account)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    full_clean_or_fail(user)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def roles_check(roles) -> None:
    """Known roles, and 三员分立: no two of the three administrators, and the audit administrator nothing else."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationFailed(_("未知角色：%(roles)s") % {"roles": _("、").join(sorted(unknown))}, code="unknown_role")
    held = [r for r in ADMINISTRATORS if r in roles]
    if len(held) > 1 or (Role.AUDIT_ADMIN in held and len(set(roles)) > 1):
        raise ValidationFailed(
            _("三员分立：系统管理员、安全管理员、审计管理员须由不同账号担任，审计管理员不兼任其他角色。"),
            code="separation_of_duties")


@transaction.atomic
def user_roles_set(*, actor: User, user: User, roles: list[str], ip_address: str | None = None) -> User:
    """The security administrator gives a person their roles (三员分立 holds), audited with before and after."""
    if not actor.has_perm("org.assign_role"):
        raise NotPermitted()
    require_visible(actor, user)
    if user.pk == actor.pk:
        raise NotPermitted(_("不能修改自己的角色。"), code="own_roles")
    roles_check(roles)
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=roles))
    user.__dict__.pop("_role_codes", None)
    audit_record(actor=actor, action="user.roles", obj=user, region=user.region,
                 changes={"before": before, "after": sorted(set(roles))}, ip_address=ip_address)
    return user


# API clients ---------------------------------------------------------------------------------------------

def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedApiClient:
    client: ApiClient
    token: str  # shown once, never stored


@transaction.atomic
def api_client_create(*, actor: User, name: str, unit: Unit, roles: list[str], note: str = "",
                      expires_at=None, scope: str = TokenScope.READ, endpoints: list[str] | None = None,
                      ip_address: str | None = None) -> IssuedApiClient:
    """A system administrator creates a named API client bound to ``unit`` (and so to its jurisdiction).

    The client's service account holds ``roles``; the token is returned once and stored only as a hash. It lasts
    until ``expires_at`` (xinfang.accounts.services.api_client_issue holds it to the county's longest), may write
    only with ``scope`` "write", and reaches only ``endpoints`` (the API's resources; none named: all).
    """
    if not actor.has_perm("org.add_apiclient"):
        raise NotPermitted()
    if not scoped(Unit.objects.filter(pk=unit.pk), actor).exists():
        raise NotPermitted(_("只能为本辖区内的单位创建接口客户端。"), code="unit_out_of_jurisdiction")
    if not roles:
        raise ValidationFailed(_("请至少选择一个角色。"), code="roles_required")
    if {Role.COUNTY_ADMIN, *ADMINISTRATORS} & set(roles):
        raise ValidationFailed(_("接口客户端不能拥有管理员角色。"), code="role_not_allowed")
    if scope not in TokenScope.values:
        raise ValidationFailed(_("权限范围只能是只读或读写。"), code="invalid_scope")
    if ApiClient.objects.filter(unit=unit, name=name).exists():
        raise Conflict(_("本单位已有同名的接口客户端。"), code="duplicate_name")
    token = secrets.token_urlsafe(API_TOKEN_BYTES)
    user = user_create(
        username=f"api-{secrets.token_hex(6)}", name=name, unit=unit, roles=roles, is_service_account=True,
        leader_level=RegionLevel(unit.region.level) if Role.LEADER in roles else None,
    )
    client = ApiClient(name=name, unit=unit, user=user, token_prefix=token[:8], token_hash=hash_api_token(token),
                       note=note, created_by=actor, expires_at=expires_at, scope=scope,
                       endpoints=sorted(set(endpoints or [])))
    full_clean_or_fail(client)
    try:
        client.save()
    except IntegrityError as exc:  # a concurrent create with the same name
        raise Conflict(_("本单位已有同名的接口客户端。"), code="duplicate_name") from exc
    audit_record(actor=actor, action="api_client.create", obj=client, region=unit.region,
                 changes={"name": name, "unit": unit.name, "roles": sorted(roles), "scope": scope,
                          "endpoints": client.endpoints,
                          "expires_at": expires_at.isoformat() if expires_at else None}, ip_address=ip_address)
    return IssuedApiClient(client=client, token=token)


@transaction.atomic
def api_client_revoke(*, actor: User, client: ApiClient, ip_address: str | None = None) -> ApiClient:
    """Revoke a client: its token is refused from now on. Revoking twice is refused with a conflict."""
    if not actor.has_perm("org.change_apiclient"):
        raise NotPermitted()
    updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if not updated:
        raise Conflict(_("该接口客户端已被吊销。"), code="already_revoked")
    User.objects.filter(pk=client.user_id).update(is_active=False)
    client.refresh_from_db()
    audit_record(actor=actor, action="api_client.revoke", obj=client, region=client.unit.region,
                 ip_address=ip_address)
    return client


def api_client_touch(*, client: ApiClient, now=None) -> None:
    """Record that a client was used; at most one write a minute per client, whatever the request rate."""
    now = now or timezone.now()
    ApiClient.objects.filter(pk=client.pk).exclude(last_used_at__gt=now - timedelta(minutes=1)).update(
        last_used_at=now
    )


# Heartbeat -----------------------------------------------------------------------------------------------

def heartbeat_record(*, name: str, at=None) -> Heartbeat:
    """Upsert the heartbeat ``name``; idempotent."""
    beat, _created = Heartbeat.objects.update_or_create(name=name, defaults={"at": at or timezone.now()})
    return beat
