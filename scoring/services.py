"""Writes of the scoring app: the append-only points ledger and the ranking snapshots behind the bulletins (日通报,
周亮晒, 月排名, 季考核), each generated once. The point and index rules they follow are county settings
(scoring/rules.py, saved through xinfang.rules)."""

import json
import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from xinfang.errors import Conflict, ValidationFailed, invalid, require_perm, required_text
from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region, User
from xinfang.org.services import audit_record, require_own_county, require_visible
from xinfang.rules.selectors import rules_for, rules_for_counties

from .choices import PeriodKind, PointEvent
from .models import PointEntry, RankingRow, RankingSnapshot
from .rules import INDEX, POINTS
from .selectors import compute_ranking, geojson_path, period_of


def points_award(*, user: User, points: int, rule: str, reason: str, source=None, case: Case | None = None,
                 actor: User | None = None, basis: dict | None = None) -> PointEntry:
    """Add one line to the ledger for ``source`` under ``rule``, once: awarding the same source twice under the same
    rule returns the first line. Call inside the transaction of the event that earned it."""
    source_type = source._meta.label_lower if source is not None else ""
    source_id = str(source.pk) if source is not None else ""
    earlier = PointEntry.objects.filter(source_type=source_type, source_id=source_id, rule=rule,
                                        corrects__isnull=True)
    if source is not None and earlier.exists():
        return earlier.first()
    try:
        with transaction.atomic():
            return PointEntry.objects.create(user=user, points=points, rule=rule, reason=reason[:300], case=case,
                                             source_type=source_type, source_id=source_id, created_by=actor,
                                             basis=basis or {})
    except IntegrityError:  # a concurrent award of the same source: the database kept the first
        return earlier.get()


# The petition index: the county's scheme and the snapshots ----------------------------------------------------

logger = logging.getLogger(__name__)

@transaction.atomic
def snapshot_generate(*, county: Region, kind: str, day: date) -> RankingSnapshot:
    """The ranking of the period of ``kind`` containing ``day``, computed once and stored: generating it again
    returns the same snapshot (a unique period per county and kind)."""
    if kind not in PeriodKind.values:
        raise ValidationFailed(_("请选择通报类型。"), code="invalid")
    start, end = period_of(kind, day)
    existing = RankingSnapshot.objects.filter(county=county, kind=kind, period_start=start).first()
    if existing is not None:
        return existing
    # The index rules in force on the day it is generated ("rankings generated from now on follow the new rules"),
    # kept whole with the snapshot.
    scheme = rules_for(county, INDEX)
    try:
        with transaction.atomic():
            snapshot = RankingSnapshot.objects.create(county=county, kind=kind, period_start=start, period_end=end,
                                                      scheme_version=scheme.number, scheme_values=scheme.values)
    except IntegrityError:  # generated meanwhile by another worker
        return RankingSnapshot.objects.get(county=county, kind=kind, period_start=start)
    # The one computation every reader shows: the bulletin, the map, the Excel sheet and the API read these rows.
    rows = []
    for group, results in compute_ranking(county=county, scheme=scheme, start=start, end=end).items():
        for position, r in enumerate(results, start=1):
            rows.append(RankingRow(
                snapshot=snapshot, group=group, unit=r.unit, region=r.region,
                name=r.region.name if r.region is not None else r.unit.name, index=r.index, rank=r.rank,
                band=r.band, colour_name=r.colour_name, colour=r.colour, ranks=r.ranks, position=position,
                scores={m: _text(s) for m, s in r.scores.items()},
                values={m: {**v, "value": _text(v["value"])} for m, v in r.values.items()}))
    RankingRow.objects.bulk_create(rows)
    return snapshot


def _text(value: Decimal | None) -> str | None:
    """A figure as the snapshot's JSON keeps it: "97.62" (exact, not a float), or null for 无数据."""
    return None if value is None else str(value)


BULLETIN_CATCH_UP_DAYS = 7  # mornings the beat may have missed (a server down over a long weekend)


def bulletins_due(*, today: date) -> list[RankingSnapshot]:
    """Beat, each morning: every bulletin whose period ended in the last week — yesterday's daily bulletin; on Mondays
    last week's showcase; on the 1st last month's ranking; on a quarter's first day last quarter's assessment — for
    every county. A snapshot already made is returned as it is, so the run is idempotent, and a morning the beat
    missed is made up the next time it runs."""
    due = []
    for back in range(BULLETIN_CATCH_UP_DAYS, 0, -1):
        day = today - timedelta(days=back)
        due += [(kind, day) for kind in PeriodKind.values if period_of(kind, day)[1] == day]  # a period ended
    made = []
    for county in Region.objects.filter(level=RegionLevel.COUNTY, units__isnull=False).distinct():
        for kind, day in due:
            try:
                made.append(snapshot_generate(county=county, kind=kind, day=day))
            except Exception:  # one county's failure must not cost the others their bulletins
                logger.exception("bulletin %s for %s failed", kind, county.code)
    return made


# Points (积分制): the county's rules and the events that earn them ----------------------------------------------

def points_for(*, event: str, case: Case) -> tuple[int, dict]:
    """The points an event earns on ``case`` under its county's point rules in force today, and their basis: the
    version, the base points times the case's category, difficulty and source-level factors, rounded half up
    (penalties keep their base)."""
    scheme = rules_for(case.county, POINTS)
    base = int(scheme.points.get(event, 0))
    factors = {}
    if base > 0:
        category = str(case.category_id)
        parent = str(case.category.parent_id) if case.category.parent_id else ""
        if category in scheme.category_factors or parent in scheme.category_factors:
            factors["category"] = scheme.category_factors.get(category, scheme.category_factors.get(parent))
        if case.backlog_at is not None and "backlog" in scheme.difficulty_factors:
            factors["backlog"] = scheme.difficulty_factors["backlog"]
        if case.is_collective and "collective" in scheme.difficulty_factors:
            factors["collective"] = scheme.difficulty_factors["collective"]
        if case.upper_source and case.upper_source in scheme.source_factors:
            factors["source"] = scheme.source_factors[case.upper_source]
    value = Decimal(base)
    for factor in factors.values():
        value *= Decimal(str(factor))
    points = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return points, {"scheme": scheme.number, "base": base, "factors": factors}


def points_on(*, event: str, case: Case, users, source, actor: User | None = None, once: bool = False
              ) -> list[PointEntry]:
    """Write the points of ``event`` on ``case`` for each of ``users`` (once per user, event and source), in the
    transaction of the event itself. With ``once``, the event earns its points once per source, whoever earns them
    (a case resolved again after a review is still one resolution)."""
    points, basis = points_for(event=event, case=case)
    if not points:
        return []
    entries = []
    for user in {u.pk: u for u in users if u is not None and not u.is_service_account}.values():
        entries.append(points_award(user=user, points=points, rule=event if once else f"{event}:{user.pk}",
                                    source=source, case=case, actor=actor,
                                    reason=f"{PointEvent(event).label}：{case.number}", basis=basis))
    return entries


@transaction.atomic
def points_correct(*, actor: User, entry: PointEntry, reason: str) -> PointEntry:
    """A correction is a counter-entry with the opposite points and a reason, never an edit; once per entry."""
    require_perm(actor, "scoring.add_pointentry")
    require_visible(actor, entry, _("未找到该积分记录。"), "entry_not_found")
    reason = required_text(reason, "reason", _("更正须写明理由。"))
    if entry.corrects_id is not None:
        raise Conflict(_("更正记录不能再更正。"), code="correction_of_correction")
    if PointEntry.objects.filter(corrects=entry).exists():
        raise Conflict(_("该积分记录已更正。"), code="already_corrected")
    correction = PointEntry.objects.create(
        user=entry.user, points=-entry.points, rule=entry.rule, reason=_("更正：%(reason)s") % {"reason": reason},
        case=entry.case, source_type=entry.source_type, source_id=entry.source_id, corrects=entry, created_by=actor,
        basis={"corrects": entry.pk})
    audit_record(actor=actor, action="points.correct", obj=correction, region=entry.case.county if entry.case_id
                 else None, changes={"points": [entry.points, -entry.points]})
    return correction


def snapshot_request(*, actor: User, county: Region, kind: str, day: date) -> tuple[RankingSnapshot, bool]:
    """Someone asks for a period's ranking now rather than waiting for the morning's beat: the county's rule keepers
    only. Returns the snapshot and whether it was made by this request (generating twice changes nothing)."""
    require_own_county(actor=actor, county=county, permission="scoring.add_rankingsnapshot")
    if kind not in PeriodKind.values:
        raise invalid("kind", _("请选择通报类型。"))
    if period_of(kind, day)[1] >= timezone.localdate():
        # A snapshot never changes once made: a period still running would be frozen half-counted for good.
        raise Conflict(_("该周期尚未结束，结束后才能生成排名。"), code="period_not_over")
    existed = RankingSnapshot.objects.filter(county=county, kind=kind, period_start=period_of(kind, day)[0]).exists()
    snapshot = snapshot_generate(county=county, kind=kind, day=day)
    if not existed:
        audit_record(actor=actor, action="ranking.generate", obj=snapshot, region=county)
    return snapshot, not existed


@transaction.atomic
def map_geojson_save(*, actor: User, county: Region, geojson: dict) -> None:
    """The county admin's township boundaries for the five-colour map (one file per county, replaced whole): the
    storage path is the record, the audit row says who changed it."""
    require_own_county(actor=actor, county=county, permission="scoring.add_rankingsnapshot")
    if not isinstance(geojson, dict) or geojson.get("type") != "FeatureCollection" or not geojson.get("features"):
        raise invalid("file", _("请上传包含乡镇边界的 GeoJSON（FeatureCollection）。"))
    path = geojson_path(county)
    audit_record(actor=actor, action="ranking_map.geojson_upload", obj=county, region=county,
                 changes={"features": [None, len(geojson["features"])]})
    default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(geojson, ensure_ascii=False).encode("utf-8")))


RED_CARD_CHARGE_DAYS = 7  # how far back a sweep makes good a charge a failed run left out


def points_for_red_cards(*, at) -> int:
    """Each red card raised in the last week and not yet charged costs its responsible leader the county's red-card
    points, cleared since or not: one INSERT … SELECT (never a loop over cards), once per card (the ledger's unique
    source). Called by workflow.sweep after the cards are raised; a run that died in between is made good by the
    next."""
    since = at - timedelta(days=RED_CARD_CHARGE_DAYS)
    counties = Case.objects.filter(cards__colour="red", cards__raised_at__gte=since).values_list(
        "county_id", flat=True).distinct().order_by()
    # Each county's red-card points in force (one query), joined in as a small VALUES list: the cards stay in SQL.
    charges = [(county_id, int(rules.points.get(PointEvent.RED_CARD, 0)), rules.number)
               for county_id, rules in rules_for_counties(counties, POINTS, timezone.localtime(at).date()).items()]
    charges = [c for c in charges if c[1]]
    if not charges:
        return 0
    rows = ", ".join(["(%s, %s, %s)"] * len(charges))
    postgres = connection.vendor == "postgresql"
    basis = "'{\"scheme\": ' || ps.version || ', \"base\": ' || ps.points || ', \"factors\": {}}'"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            WITH ps(county_id, points, version) AS (VALUES {rows})
            INSERT INTO scoring_pointentry (user_id, points, rule, reason, case_id, source_type, source_id,
                                            corrects_id, created_by_id, created_at, basis)
            SELECT c.leader_id, ps.points, 'red_card:' || c.leader_id, %s || cs.number, c.case_id,
                   'deadlines.card', CAST(c.id AS TEXT), NULL, NULL, %s, ({basis}){"::jsonb" if postgres else ""}
            FROM deadlines_card c
            JOIN cases_case cs ON cs.id = c.case_id
            JOIN org_user leader ON leader.id = c.leader_id AND NOT leader.is_service_account
            JOIN ps ON ps.county_id = cs.county_id
            WHERE c.colour = 'red' AND c.raised_at >= %s
              AND NOT EXISTS (SELECT 1 FROM scoring_pointentry p
                              WHERE p.source_type = 'deadlines.card' AND p.source_id = CAST(c.id AS TEXT))
            ON CONFLICT DO NOTHING
        """, [v for charge in charges for v in charge] + ["红牌：", at, since])  # noqa: S608 — constant fragments
        return max(cursor.rowcount, 0)
