"""Reads of the organisation app. Every queryset here starts from ``scoped`` and loads its relations in a fixed
number of queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from xinfang import names
from xinfang.celery import app

from .choices import RegionLevel, UnitKind
from .models import ApiClient, AuditEvent, Heartbeat, Region, Unit, User
from .scoping import scoped


def region_list(*, user):
    return scoped(Region.objects.select_related("parent"), user)


def unit_list(*, user):
    return scoped(Unit.objects.select_related("region__parent", "parent"), user)


def region_chosen(*, user, value: str) -> list[Region]:
    """The region a picker holds (by its code), if it is in the user's jurisdiction: a list of at most one."""
    return list(region_list(user=user).filter(code=value)[:1]) if value else []


def unit_chosen(*, user, value: str) -> list[Unit]:
    """The unit a picker holds (by its id), if it is in the user's jurisdiction: a list of at most one."""
    return list(unit_list(user=user).filter(pk=int(value))[:1]) if value.isdigit() and len(value) < 12 else []


# Pickers list a county's own bodies before its townships' and villages' (the region's level), and among bodies of
# one level the kinds in the order UnitKind declares them: the petition bureau, party and government, departments.
_KIND_ORDER = Case(*[When(kind=kind, then=Value(n)) for n, kind in enumerate(UnitKind.values)],
                   default=Value(len(UnitKind.values)), output_field=IntegerField())


def unit_picker_order(qs):
    """Units in the order a picker offers them (departments first for a county caseworker)."""
    return qs.order_by("region__level", _KIND_ORDER, "sort_order", "name", "pk")


def unit_search(qs, text: str):
    """Units known as ``text``: by name, short name, alias or their pinyin (full or initials: zjj), best first; then
    names holding the typed characters in order (住建 → 住房和城乡建设局)."""
    query = names.normalised(text)
    if not query:
        return unit_picker_order(qs)
    direct = Q(search_key__contains=query)
    in_order = Q(name__iregex=names.in_order_pattern(query)) if len(query) > 1 else Q(pk__in=[])
    rank = Case(When(name=query, then=Value(0)), When(Q(short_name=query) | Q(name__startswith=query), then=Value(1)),
                When(name__contains=query, then=Value(2)), When(direct, then=Value(3)), default=Value(4),
                output_field=IntegerField())
    return qs.filter(direct | in_order).annotate(match_rank=rank).order_by(
        "match_rank", "region__level", _KIND_ORDER, "sort_order", "name", "pk")


def user_list(*, user):
    return scoped(
        User.objects.filter(is_service_account=False)
        .select_related("unit__region")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name"))),
        user,
    )


def api_client_list(*, user):
    return scoped(ApiClient.objects.select_related("unit__region", "created_by", "revoked_by"), user)


def audit_event_list(*, user):
    return scoped(AuditEvent.objects.select_related("actor"), user)


@dataclass(frozen=True)
class JurisdictionSummary:
    """What a user's jurisdiction holds, for the home page."""

    region: Region | None
    regions_by_level: list[tuple[str, int]]  # (level label, count), province first
    units: int
    users: int


def jurisdiction_summary(*, user) -> JurisdictionSummary:
    """Counts of regions by level, units and users in the user's jurisdiction: three aggregate queries."""
    by_level = dict(
        region_list(user=user).order_by().values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    return JurisdictionSummary(
        region=user.region,
        regions_by_level=[(level.label, by_level.get(level.value, 0)) for level in RegionLevel],
        units=unit_list(user=user).filter(is_active=True).count(),
        users=scoped(User.objects.filter(is_active=True, is_service_account=False), user).count(),
    )


def user_county(user) -> Region | None:
    """The county a user belongs to (the county-level ancestor of their unit's region), if any."""
    region = user.region
    return region.ancestor_at(RegionLevel.COUNTY) if region else None


def unit_choices_for(user):
    """Units a user may pick (for forms), active only, in a stable order."""
    return unit_list(user=user).filter(is_active=True).order_by("region__path", "sort_order", "name")


# Health --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    ok: bool
    detail: dict


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return Check(True, {"vendor": connection.vendor})
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return Check(False, {"error": exc.__class__.__name__})


def check_broker() -> Check:
    transport = app.conf.broker_url.split("://", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return Check(True, {"transport": transport})
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return Check(False, {"transport": transport, "error": exc.__class__.__name__})


def check_beat(now: datetime | None = None) -> Check:
    """Beat is alive when its heartbeat task ran within three intervals."""
    now = now or timezone.now()
    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        return Check(False, {"last_tick": None})
    stale_after = timedelta(seconds=3 * settings.BEAT_HEARTBEAT_SECONDS)
    age = now - beat.at
    return Check(age <= stale_after, {"last_tick": beat.at.isoformat(), "age_seconds": int(age.total_seconds())})


# When this process started: beat's first tick comes up to an interval after `make run` (or a deploy) starts it,
# so a missing tick is "starting", not "down", for HEALTH_STARTUP_GRACE_SECONDS after boot.
BOOTED_AT = timezone.now()


def health(now: datetime | None = None) -> dict:
    """``ok``; ``starting`` (200) while, within the grace after boot, beat alone has not ticked yet; else ``down``.
    The database and the broker get no grace: they are there at once or the process cannot work."""
    now = now or timezone.now()
    checks = {"database": check_database(), "broker": check_broker()}
    checks["beat"] = check_beat(now) if checks["database"].ok else Check(False, {"error": "database down"})
    status = "ok" if all(c.ok for c in checks.values()) else "down"
    starting = (now - BOOTED_AT).total_seconds() < settings.HEALTH_STARTUP_GRACE_SECONDS
    if status == "down" and starting and checks["database"].ok and checks["broker"].ok:
        status = "starting"
        checks["beat"].detail["pending"] = True
    return {
        "status": status,
        "checks": {name: {"ok": c.ok, **c.detail} for name, c in checks.items()},
        **({"grace_seconds_left": int(settings.HEALTH_STARTUP_GRACE_SECONDS - (now - BOOTED_AT).total_seconds())}
           if status == "starting" else {}),
    }
