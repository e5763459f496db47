"""Reads of the scoring app: the six modules of the petition index computed for every township and department of a
county in a handful of GROUP BY queries (never a loop over cases), then ranked, scored, indexed and coloured.

Ranking rules (documented in docs/scoring.md; the one computation the bulletin, the map, the Excel sheet and the API
read, through the stored snapshot):
- figures are compared as they are stored and shown: rates rounded half up to two decimals, counts as whole numbers,
  the index rounded half up to two decimals — so 99.996 and 100.00 are both 100.00, and equal;
- a rate module with nothing to count (a zero denominator) has no value (无数据); the scheme's ``no_data_rule`` leaves
  it out of the unit's weighted mean (the other weights renormalised) or scores it as full marks (the table's first
  entry). A count module is always counted: none is the best result there is;
- a module ranks the units that have a value, best first (a higher rate, or a lower count); equal values share the
  better rank (competition ranking: 1, 2, 2, 4);
- a module's score is the rank-to-score table's entry for that rank (ranks beyond the table get its last entry);
- the petition index is the weighted mean of the unit's scored modules, rounded half up to two decimals; a unit with
  no scored module of positive weight has no index (无数据);
- the overall rank is by index, highest first, in competition ranking: equal indices share the rank (1, 1, 3), and are
  listed in the county's order of units; units without an index are not ranked and come last;
- the colour is the band of the overall rank or of the index: by share, a band ends at the position
  ceil(ranked units × cumulative share / 100) and a unit takes the band of its rank — the position of the first of
  its tie — so a tie straddling a boundary takes the better band whole (the next band may then stay empty); units
  without an index neither count in the shares nor get a band (grey). By score, the first band whose threshold the
  index reaches.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.core.files.storage import default_storage
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from cases.models import Case
from dashboards.measures import SETS
from dossiers.choices import ClaimStatus, Stage
from dossiers.models import Claim, Dossier, Listing
from visits.selectors import period_bounds
from xinfang.dates import day_range
from xinfang.org.choices import RegionLevel, UnitKind
from xinfang.org.models import TOWNSHIP_PATH_LENGTH, Region, Unit, User
from xinfang.org.scoping import scoped
from xinfang.rules.selectors import Rules

from .choices import HIGHER_IS_BETTER, BandMode, Module, NoDataRule, PeriodKind, UnitGroup
from .models import PointEntry, RankingRow, RankingSnapshot

DEPARTMENT_KINDS = [UnitKind.DEPARTMENT, UnitKind.POLITICAL_LEGAL, UnitKind.ENTERPRISE, UnitKind.OTHER]
CENT = Decimal("0.01")
# A unit without an index: grey on the bulletin, the map and the dashboards, named 无数据 (as published, like the
# scheme's own band names).
NO_DATA_COLOUR = "#9e9e9e"
NO_DATA_NAME = "无数据"


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage rounded half up to two decimals (兰溪: 82 of 84 assigned cases resolved is 97.62); None when there
    is nothing to count (无数据), never a perfect 100."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class UnitResult:
    """One unit's modules, ranks, scores, index, overall rank and colour; index, rank and band are None for a unit
    with nothing to count (无数据)."""

    group: str
    unit: Unit
    region: Region | None
    values: dict = field(default_factory=dict)  # module → {"value", "numerator", "denominator", "no_data"}
    ranks: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)
    index: Decimal | None = None
    rank: int | None = None
    band: int | None = None
    colour_name: str = NO_DATA_NAME
    colour: str = NO_DATA_COLOUR
    order: int = 0  # the unit's place in the county's order (_units): how a tie is listed

    @property
    def no_data(self) -> bool:
        return self.index is None


def _units(county: Region) -> dict[str, list[tuple[Unit, Region | None, str]]]:
    """The ranked units: each township's party-government unit (keyed by the township's path) and the county's
    departments (keyed by unit id)."""
    townships = {}
    for unit in (Unit.objects.filter(region__parent=county, region__level=RegionLevel.TOWNSHIP,
                                     kind=UnitKind.TOWNSHIP, is_active=True)
                 .select_related("region").order_by("region__code", "sort_order", "pk")):
        townships.setdefault(unit.region.path, (unit, unit.region, unit.region.path))
    departments = [(u, None, str(u.pk)) for u in Unit.objects.filter(region=county, kind__in=DEPARTMENT_KINDS,
                                                                      is_active=True).order_by("sort_order", "name")]
    return {UnitGroup.TOWNSHIP: list(townships.values()), UnitGroup.DEPARTMENT: departments}


def _case_counts(county: Region, scheme: Rules, start: date, end: date) -> dict[str, dict[str, dict]]:
    """Every module counted from the cases received in the period: one GROUP BY by township and one by lead unit."""
    lo, hi = day_range(start, end)
    cases = Case.objects.filter(county=county, received_at__gte=lo, received_at__lt=hi).order_by()
    main = [int(pk) for pk in scheme.main_categories]
    # The same sets as the dashboards' KPIs (初信初访化解率, 群众满意率): one definition (dashboards.measures).
    today = timezone.localdate()  # only the "overdue" sets depend on the day; none of these does
    counts = {
        "first_total": Count("id", filter=SETS["first_handled"].q(today)),
        "first_resolved": Count("id", filter=SETS["first_resolved"].q(today)),
        "repeat": Count("id", filter=Q(is_repeat=True)),
        "main_fields": Count("id", filter=Q(category__in=main) | Q(category__parent__in=main)),
        "skip_level": Count("id", filter=Q(is_skip_level=True) | Q(is_to_province=True) | Q(is_to_beijing=True)),
        "evaluated": Count("id", filter=SETS["evaluated"].q(today)),
        "satisfied": Count("id", filter=SETS["satisfied"].q(today)),
    }
    township_key = Substr("region__path", 1, TOWNSHIP_PATH_LENGTH)
    by_township = {row.pop("key"): row for row in cases.annotate(key=township_key).values("key").annotate(**counts)}
    by_unit = {str(row.pop("lead_unit_id")): row for row in cases.filter(lead_unit__isnull=False)
               .values("lead_unit_id").annotate(**counts)}
    return {UnitGroup.TOWNSHIP: by_township, UnitGroup.DEPARTMENT: by_unit}


def _backlog_counts(county: Region, end: date) -> dict[str, dict[str, dict]]:
    """Backlog dossiers opened by the end of the period, and those resolved (signed off or closed)."""
    _lo, hi = day_range(end, end)
    dossiers = Dossier.objects.filter(case__county=county, opened_at__lt=hi).order_by()
    counts = {"backlog_total": Count("id"),
              "backlog_resolved": Count("id", filter=Q(stage__in=[Stage.RESOLVED, Stage.CLOSED]))}
    key = Substr("case__region__path", 1, TOWNSHIP_PATH_LENGTH)
    return {UnitGroup.TOWNSHIP: {r.pop("key"): r for r in dossiers.annotate(key=key).values("key").annotate(**counts)},
            UnitGroup.DEPARTMENT: {str(r.pop("case__lead_unit_id")): r for r in dossiers
                                   .filter(case__lead_unit__isnull=False).values("case__lead_unit_id")
                                   .annotate(**counts)}}


def _module_values(row: dict) -> dict:
    def count(name):
        n = row.get(name, 0)
        return {"value": Decimal(n), "numerator": n, "denominator": None, "no_data": False}

    def share(num, den):
        value = rate(row.get(num, 0), row.get(den, 0))
        return {"value": value, "numerator": row.get(num, 0), "denominator": row.get(den, 0),
                "no_data": value is None}

    return {Module.FIRST: share("first_resolved", "first_total"), Module.REPEAT: count("repeat"),
            Module.BACKLOG: share("backlog_resolved", "backlog_total"), Module.MAIN_FIELDS: count("main_fields"),
            Module.SKIP_LEVEL: count("skip_level"), Module.SATISFACTION: share("satisfied", "evaluated")}


def competition_ranks(values: list, higher_is_better: bool) -> list[int | None]:
    """1, 2, 2, 4: equal values share the better rank; a None (无数据) is not ranked and takes no place."""
    ordered = sorted((v for v in values if v is not None), reverse=higher_is_better)
    first_at = {}
    for position, value in enumerate(ordered, start=1):
        first_at.setdefault(value, position)
    return [None if v is None else first_at[v] for v in values]


def band_ends(bands: list[dict], ranked: int) -> list[int]:
    """The last position of each share band among ``ranked`` units: ceil(units × cumulative share / 100)."""
    ends, cumulative = [], Decimal(0)
    for band in bands:
        cumulative += Decimal(str(band["share"]))
        ends.append(int((cumulative * ranked / 100).quantize(Decimal(1), rounding=ROUND_CEILING)))
    return ends


def _bands(scheme: Rules, results: list[UnitResult]) -> None:
    """Colour the ranked units; units without an index keep the grey of 无数据 and are not counted in the shares."""
    ranked = [r for r in results if r.rank is not None]
    ends = band_ends(scheme.bands, len(ranked)) if scheme.band_mode != BandMode.SCORE else []
    last = len(scheme.bands) - 1
    for result in ranked:
        if scheme.band_mode == BandMode.SCORE:
            band = next((i for i, b in enumerate(scheme.bands) if result.index >= Decimal(str(b["min_score"]))),
                        last)
        else:
            # The rank is the position of the first of a tie, so the whole tie takes that position's (better) band.
            band = next((i for i, end in enumerate(ends) if result.rank <= end), last)
        result.band, result.colour_name, result.colour = band, scheme.bands[band]["name"], scheme.bands[band]["colour"]


def _rank_group(scheme: Rules, results: list[UnitResult]) -> None:
    table = [Decimal(str(s)) for s in scheme.rank_scores]
    weights = {m: Decimal(str(scheme.weights.get(m, 0))) for m in Module.values}
    full_marks = scheme.no_data_rule == NoDataRule.FULL_MARKS
    for module in Module.values:
        ranks = competition_ranks([r.values[module]["value"] for r in results], HIGHER_IS_BETTER[module])
        for result, rank in zip(results, ranks, strict=True):
            result.ranks[module] = rank
            if rank is not None:
                result.scores[module] = table[min(rank, len(table)) - 1]
            else:  # 无数据: full marks, or left out of the mean (None)
                result.scores[module] = table[0] if full_marks else None
    for result in results:
        counted = [m for m in Module.values if weights[m] > 0 and result.ranks[m] is not None]
        scored = [m for m in Module.values if weights[m] > 0 and result.scores[m] is not None]
        if not counted:  # nothing to count in any weighted module: no index, whatever the rule for 无数据
            result.index = None
            continue
        weighted = sum(weights[m] * result.scores[m] for m in scored) / sum(weights[m] for m in scored)
        result.index = weighted.quantize(CENT, rounding=ROUND_HALF_UP)
    ranks = competition_ranks([r.index for r in results], higher_is_better=True)
    for result, rank in zip(results, ranks, strict=True):
        result.rank = rank
    # By rank; a tie, and the units without an index after everyone, in the county's order.
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.order))
    _bands(scheme, results)


def compute_ranking(*, county: Region, scheme: Rules, start: date, end: date) -> dict[str, list]:
    """Townships and departments of ``county`` ranked for [start, end] under ``scheme``: {group: [UnitResult]} in the
    order they are listed. Three GROUP BY queries over the cases and dossiers, whatever their number."""
    units = _units(county)
    cases = _case_counts(county, scheme, start, end)
    backlog = _backlog_counts(county, end)
    out = {}
    for group, members in units.items():
        results = []
        for order, (unit, region, key) in enumerate(members):
            row = {**cases[group].get(key, {}), **backlog[group].get(key, {})}
            results.append(UnitResult(group=group, unit=unit, region=region, values=_module_values(row),
                                      order=order))
        if results:
            _rank_group(scheme, results)
        out[group] = results
    return out


# Reads for pages and the API ------------------------------------------------------------------------------

def snapshot_list(*, user):
    return scoped(RankingSnapshot.objects.select_related("county"), user)


def snapshot_rows(snapshot: RankingSnapshot):
    """The snapshot's rows as published: by group, then by position (rank; a tie in the county's order; 无数据 last)."""
    return snapshot.rows.select_related("unit", "region").order_by("group", "position")


def previous_snapshot(snapshot: RankingSnapshot) -> RankingSnapshot | None:
    """The same kind of snapshot for the period before (环比)."""
    return (RankingSnapshot.objects.filter(county=snapshot.county_id, kind=snapshot.kind,
                                           period_start__lt=snapshot.period_start)
            .order_by("-period_start").first())


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The period of a bulletin that contains ``day``: the day, its week (Monday–Sunday), month or quarter."""
    if kind == PeriodKind.DAY:
        return day, day
    return period_bounds(kind, day)


def year_ago_snapshot(snapshot: RankingSnapshot) -> RankingSnapshot | None:
    """The same kind of snapshot for the same period a year earlier (同比)."""
    day = snapshot.period_start
    try:
        a_year_ago = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        a_year_ago = day.replace(year=day.year - 1, day=28)
    return RankingSnapshot.objects.filter(county=snapshot.county_id, kind=snapshot.kind,
                                          period_start=period_of(snapshot.kind, a_year_ago)[0]).first()


def rank_changes(snapshot: RankingSnapshot, before: RankingSnapshot | None = None, *, year_on_year: bool = False
                 ) -> dict[int, int]:
    """Unit id → how many places it rose (positive) or fell since the previous snapshot of the same kind (环比), or
    since the same period a year earlier (同比)."""
    if before is None:
        before = year_ago_snapshot(snapshot) if year_on_year else previous_snapshot(snapshot)
    if before is None:
        return {}
    earlier = dict(RankingRow.objects.filter(snapshot=before, rank__isnull=False).values_list("unit_id", "rank"))
    # A unit not ranked in either period (无数据) has no arrow.
    return {unit_id: earlier[unit_id] - rank for unit_id, rank in snapshot.rows.filter(rank__isnull=False)
            .values_list("unit_id", "rank") if unit_id in earlier}


def cadre_ranking(*, user, start: date, end: date, limit: int = 50):
    """Cadres of the user's jurisdiction by their points in the period (one GROUP BY over the ledger)."""
    lo, hi = day_range(start, end)
    return (scoped(PointEntry.objects.filter(created_at__gte=lo, created_at__lt=hi), user).order_by()
            .values("user_id", "user__name", "user__username", "user__unit__name")
            .annotate(points=Sum("points"), entries=Count("id")).order_by("-points", "user_id")[:limit])


# The pages and the API of the rankings (scoring/views.py, scoring/api/views.py) ----------------------------------

GEOJSON_MAX_BYTES = 5 * 1024 * 1024


def latest_snapshot(*, user, kind: str | None = None) -> RankingSnapshot | None:
    """The newest snapshot the user may see (of ``kind`` if given): the five-colour map's default."""
    snapshots = snapshot_list(user=user)
    if kind:
        snapshots = snapshots.filter(kind=kind)
    return snapshots.order_by("-period_start", "-generated_at", "-pk").first()


def geojson_path(county: Region) -> str:
    """Where the county's township boundaries (uploaded by its admin) live in the default storage."""
    return f"scoring/geojson/{county.code}.json"


def county_geojson(county: Region) -> dict | None:
    """The county's uploaded township boundaries as a GeoJSON FeatureCollection, or None if none was uploaded
    (or the stored file no longer parses)."""
    path = geojson_path(county)
    if not default_storage.exists(path):
        return None
    try:
        with default_storage.open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None


def entry_list(*, user):
    """Point entries the user may see (their jurisdiction's cadres)."""
    return scoped(PointEntry.objects.select_related("user", "case"), user)


def cadre_record(*, user, cadre: User) -> dict:
    """A cadre's record (积分档案): their point entries and total, and their 揭榜 claims (for the annual assessment)."""
    entries = scoped(PointEntry.objects.filter(user=cadre).select_related("case"), user)
    claims = (Claim.objects.filter(claimant=cadre, listing__in=scoped(Listing.objects.all(), user))
              .select_related("listing__dossier__case").order_by("-requested_at"))
    return {"entries": list(entries), "total": entries.aggregate(total=Sum("points"))["total"] or 0,
            "claims": list(claims),
            "finished": sum(1 for c in claims if c.status == ClaimStatus.APPROVED and c.finished_at)}
