"""Writes of the scoring app: the append-only points ledger, the county's petition-index scheme (versioned) and
the ranking snapshots behind the bulletins (日通报, 周亮晒, 月排名, 季考核), each generated once."""

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

from .choices import BandMode, Module, NoDataRule, PeriodKind, PointEvent
from .models import IndicatorScheme, PointEntry, PointScheme, RankingRow, RankingSnapshot
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

DEFAULT_WEIGHTS = {"first": 20, "repeat": 15, "backlog": 20, "main_fields": 15, "skip_level": 15, "satisfaction": 15}
DEFAULT_RANK_SCORES = [100 - 2 * i for i in range(21)]  # 100, 98 … 60
DEFAULT_BANDS = [  # best first: the 东阳 five colours
    {"name": "绿", "colour": "#2e7d32", "share": 20}, {"name": "蓝", "colour": "#1565c0", "share": 20},
    {"name": "黄", "colour": "#f9a825", "share": 20}, {"name": "橙", "colour": "#ef6c00", "share": 20},
    {"name": "红", "colour": "#c62828", "share": 20},
]


def current_version(model, county: Region, **defaults):
    """The county's current version of a versioned rule (``model``): version 1 from ``defaults`` the first time."""
    current = model.objects.filter(county=county, is_current=True).first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return model.objects.create(county=county, version=1, **defaults)
    except IntegrityError:  # created meanwhile by another request
        return model.objects.get(county=county, is_current=True)


def scheme_for(county: Region) -> IndicatorScheme:
    """The county's current petition-index scheme."""
    return current_version(IndicatorScheme, county, weights=DEFAULT_WEIGHTS, rank_scores=DEFAULT_RANK_SCORES,
                           bands=DEFAULT_BANDS)


def _number(value, low, high) -> bool:
    """A real number (not a boolean) from ``low`` to ``high``."""
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def _check_scheme(weights: dict, rank_scores: list, band_mode: str, bands: list, no_data_rule: str) -> None:
    errors = {}
    if no_data_rule not in NoDataRule.values:
        errors["no_data_rule"] = [_("请选择无数据模块的计分方式。")]
    if set(weights) != set(Module.values) or any(not _number(w, 0, 1000) for w in weights.values()) \
            or not sum(weights.values()):
        errors["weights"] = [_("六个模块都须有0至1000的权重，且不能全为0。")]
    if not rank_scores or len(rank_scores) > 500 or any(not _number(s, 0, 1000) for s in rank_scores):
        errors["rank_scores"] = [_("排名赋分表须为0至1000的分数列表。")]
    key = "min_score" if band_mode == BandMode.SCORE else "share"
    if band_mode not in BandMode.values or not bands or any(
            not isinstance(b, dict) or not b.get("name") or not b.get("colour")
            or not _number(b.get(key), 0, 1000) for b in bands):
        errors["bands"] = [_("每个色档须有名称、颜色和%(key)s。") % {"key": key}]
    elif band_mode == BandMode.SHARE and sum(Decimal(str(b["share"])) for b in bands) != 100:
        errors["bands"] = [_("按比例分色时，各色档比例之和须为100。")]
    if errors:
        raise ValidationFailed(_("提交的数据有误。"), code="invalid", detail=errors)


@transaction.atomic
def scheme_update(*, actor: User, county: Region, weights: dict, rank_scores: list, band_mode: str, bands: list,
                  main_categories=None, no_data_rule: str | None = None) -> IndicatorScheme:
    """A county admin changes the petition-index rules: a new version becomes current; snapshots already generated
    keep theirs (audited). ``main_categories`` and ``no_data_rule`` left out keep the current version's."""
    require_own_county(actor=actor, county=county, permission="scoring.change_indicatorscheme")
    current = IndicatorScheme.objects.select_for_update().get(pk=scheme_for(county).pk)
    no_data_rule = current.no_data_rule if no_data_rule is None else no_data_rule
    _check_scheme(weights, rank_scores, band_mode, bands, no_data_rule)
    categories = list(main_categories) if main_categories is not None else list(current.main_categories.all())
    if any(c.county_id != county.pk for c in categories):
        raise ValidationFailed(_("请选择本县的信访类别。"), code="unknown_category")
    IndicatorScheme.objects.filter(pk=current.pk).update(is_current=False)
    scheme = IndicatorScheme.objects.create(county=county, version=current.version + 1, weights=weights,
                                           rank_scores=rank_scores, band_mode=band_mode, bands=bands,
                                           no_data_rule=no_data_rule, created_by=actor)
    scheme.main_categories.set(categories)
    changes = {"version": [current.version, scheme.version]}
    if no_data_rule != current.no_data_rule:
        changes["no_data_rule"] = [current.no_data_rule, no_data_rule]
    audit_record(actor=actor, action="indicator_scheme.update", obj=scheme, region=county, changes=changes)
    return scheme


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
    scheme = scheme_for(county)
    try:
        with transaction.atomic():
            snapshot = RankingSnapshot.objects.create(county=county, kind=kind, period_start=start, period_end=end,
                                                      scheme=scheme)
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

DEFAULT_POINTS = {PointEvent.CASE_RESOLVED: 2, PointEvent.LATE_CLOSURE: -2, PointEvent.BACKLOG_RESOLVED: 10,
                  PointEvent.RETURN_VISIT: 1, PointEvent.RECEPTION: 1, PointEvent.RELAPSE: -5, PointEvent.RED_CARD: -1}
DEFAULT_DIFFICULTY = {"backlog": 1.5, "collective": 1.2}
DEFAULT_SOURCE = {"central": 2.0, "provincial": 1.5, "city": 1.2}


def point_scheme_for(county: Region) -> PointScheme:
    """The county's current point rules (version 1 from the defaults, the first time they are needed)."""
    return current_version(PointScheme, county, points=DEFAULT_POINTS, difficulty_factors=DEFAULT_DIFFICULTY,
                           source_factors=DEFAULT_SOURCE)


@transaction.atomic
def point_scheme_update(*, actor: User, county: Region, points: dict, category_factors: dict,
                        difficulty_factors: dict, source_factors: dict) -> PointScheme:
    """A county admin changes the point rules: a new version becomes current; entries keep the basis they were
    computed with (audited)."""
    require_own_county(actor=actor, county=county, permission="scoring.change_pointscheme")
    errors = {}
    if set(points) - set(PointEvent.values) or any(not isinstance(p, int) or abs(p) > 1000 for p in points.values()):
        errors["points"] = [_("基础分须为-1000至1000之间的整数。")]
    for name, factors in (("category_factors", category_factors), ("difficulty_factors", difficulty_factors),
                          ("source_factors", source_factors)):
        if any(not isinstance(f, int | float) or not 0 <= f <= 10 for f in factors.values()):
            errors[name] = [_("系数须在0至10之间。")]
    if errors:
        raise ValidationFailed(_("提交的数据有误。"), code="invalid", detail=errors)
    current = PointScheme.objects.select_for_update().get(pk=point_scheme_for(county).pk)
    PointScheme.objects.filter(pk=current.pk).update(is_current=False)
    scheme = PointScheme.objects.create(
        county=county, version=current.version + 1, points=points, category_factors=category_factors,
        difficulty_factors=difficulty_factors, source_factors=source_factors, created_by=actor)
    audit_record(actor=actor, action="point_scheme.update", obj=scheme, region=county,
                 changes={"version": [current.version, scheme.version]})
    return scheme


def points_for(*, event: str, case: Case) -> tuple[int, dict]:
    """The points an event earns on ``case`` under its county's current rules, and their basis: the base points
    times the case's category, difficulty and source-level factors, rounded half up (penalties keep their base)."""
    scheme = point_scheme_for(case.county)
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
    return points, {"scheme": scheme.version, "base": base, "factors": factors}


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
    require_own_county(actor=actor, county=county, permission="scoring.change_indicatorscheme")
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
    require_own_county(actor=actor, county=county, permission="scoring.change_indicatorscheme")
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
    # A county meeting its first red card gets its point rules now (version 1 from the defaults).
    ruled = PointScheme.objects.filter(is_current=True).values("county")
    for county in Region.objects.filter(pk__in=Case.objects.filter(
            cards__colour="red", cards__raised_at__gte=since).exclude(county__in=ruled).values("county")):
        point_scheme_for(county)
    postgres = connection.vendor == "postgresql"
    points = ("(ps.points ->> 'red_card')::integer" if postgres
              else "CAST(json_extract(ps.points, '$.red_card') AS INTEGER)")
    basis = "'{\"scheme\": ' || ps.version || ', \"base\": ' || " + points + " || ', \"factors\": {}}'"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO scoring_pointentry (user_id, points, rule, reason, case_id, source_type, source_id,
                                            corrects_id, created_by_id, created_at, basis)
            SELECT c.leader_id, {points}, 'red_card:' || c.leader_id, %(label)s || cs.number, c.case_id,
                   'deadlines.card', CAST(c.id AS TEXT), NULL, NULL, %(at)s, ({basis}){"::jsonb" if postgres else ""}
            FROM deadlines_card c
            JOIN cases_case cs ON cs.id = c.case_id
            JOIN org_user leader ON leader.id = c.leader_id AND NOT leader.is_service_account
            JOIN scoring_pointscheme ps ON ps.county_id = cs.county_id AND ps.is_current
            WHERE c.colour = 'red' AND c.raised_at >= %(since)s
              AND {points} IS NOT NULL AND {points} <> 0
              AND NOT EXISTS (SELECT 1 FROM scoring_pointentry p
                              WHERE p.source_type = 'deadlines.card' AND p.source_id = CAST(c.id AS TEXT))
            ON CONFLICT DO NOTHING
        """, {"at": at, "since": since, "label": "红牌："})  # noqa: S608 — constant fragments
        return max(cursor.rowcount, 0)
