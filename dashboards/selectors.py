"""Reads of the dashboards app: a jurisdiction's figures for a period of whole months.

Case figures come from the monthly rollups (dashboards.models.CaseRollup: a few thousand rows for a city-year,
whatever the number of cases); the cards, backlog, receptions and the five-colour map are small live reads. Every
read goes through ``scoped`` and then the chosen region's subtree. Every figure carries the case-list query that
lists the cases behind it (``cases`` below), so any number can be checked.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import Channel
from cases.models import Case, Category
from dossiers.choices import Stage
from dossiers.models import Dossier
from scoring.selectors import snapshot_list, snapshot_rows
from visits.models import FieldVisit, Reception
from xinfang.dates import EARLIEST, LATEST, day_range
from xinfang.errors import NotFound, NotPermitted, ValidationFailed
from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import REGION_WIDE_PERMISSION, scoped

from .choices import Dimension
from .measures import COUNTED, KPIS, SETS
from .models import CaseRollup, RollupBucket
from .services import month_end

MAX_MONTHS = 60  # five years per request
REGION_CODE = re.compile(r"[0-9]{12}")
TREND_MONTHS = 12  # a period shorter than this is charted over the twelve months that end with it
CENT = Decimal("0.01")


# Periods --------------------------------------------------------------------------------------------------

def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` to ``end`` (each the first day of its month), both included."""

    start: date
    end: date

    @property
    def length(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def last_day(self) -> date:
        return month_end(self.end)

    def months(self) -> list[date]:
        return [_add_months(self.start, i) for i in range(self.length)]

    @property
    def kind(self) -> str:
        """``month``, ``quarter`` (a calendar quarter), ``year`` (January to a month of the same year: a whole year
        or the year so far) or ``range`` (any other run of months)."""
        if self.length == 1:
            return "month"
        if self.length == 3 and self.start.month in (1, 4, 7, 10):
            return "quarter"
        if self.start.month == 1 and self.start.year == self.end.year:
            return "year"
        return "range"

    @property
    def has_previous(self) -> bool:
        """Whether 环比 means something: not for a year (so far) — its cumulative figures are compared with the
        same months a year earlier only — nor for a run of twelve months or more, whose period just before is the
        year-ago period (or overlaps it)."""
        return self.kind != "year" and self.length < 12

    def previous(self) -> "Period | None":
        """环比: the same number of months just before (the month, the quarter, the run of months before), or None
        where 环比 has no meaning (``has_previous``)."""
        if not self.has_previous:
            return None
        return Period(_add_months(self.start, -self.length), _add_months(self.start, -1))

    def year_ago(self) -> "Period":
        """同比: the same months a year earlier."""
        return Period(_add_months(self.start, -12), _add_months(self.end, -12))

    def trend(self) -> "Period":
        """The months charted: the period itself, or the twelve months ending with it if it is shorter."""
        return self if self.length >= TREND_MONTHS else Period(_add_months(self.end, 1 - TREND_MONTHS), self.end)

    def contains(self, month: date) -> bool:
        return self.start <= month <= self.end

    def label(self) -> str:
        if self.length == 1:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m} – {self.end:%Y-%m}"


def period_presets(today: date | None = None) -> list[dict]:
    """The period buttons of the dashboard: this month, last month, this quarter, this year, the last 12 months."""
    this_month = (today or timezone.localdate()).replace(day=1)
    quarter = this_month.replace(month=(this_month.month - 1) // 3 * 3 + 1)
    last = _add_months(this_month, -1)
    return [{"label": label, "start": f"{a:%Y-%m}", "end": f"{b:%Y-%m}"} for label, a, b in [
        (_("本月"), this_month, this_month), (_("上月"), last, last), (_("本季度"), quarter, this_month),
        (_("本年"), this_month.replace(month=1), this_month), (_("近12个月"), _add_months(this_month, -11), this_month),
    ]]


def _month(value: str) -> date:
    year, _sep, month = value.strip().partition("-")
    return date(int(year), int(month), 1)


def parse_period(start: str | None, end: str | None, today: date | None = None) -> Period:
    """A period from two ``yyyy-mm`` values; missing ones default to this year so far (January to this month).
    Raises ValidationFailed (400) with a Chinese message for a malformed, reversed, too long or future period
    (``invalid_period``, ``period_in_future``)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    try:
        first = _month(start) if start else this_month.replace(month=1)
        last = _month(end) if end else max(first, this_month)
    except ValueError as exc:
        raise ValidationFailed(_("月份格式有误，请使用“年-月”，如 2026-03。"), code="invalid_period") from exc
    if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
        raise ValidationFailed(_("月份应在2000年至2099年之间。"), code="invalid_period")
    if last < first:
        raise ValidationFailed(_("截止月份不能早于起始月份。"), code="invalid_period")
    period = Period(first, last)
    if period.length > MAX_MONTHS:
        raise ValidationFailed(_("统计区间不能超过五年。"), code="invalid_period")
    if last > this_month:
        raise ValidationFailed(_("统计区间不能晚于本月（%(month)s）：未来的月份还没有信访事项。")
                               % {"month": f"{this_month:%Y-%m}"}, code="period_in_future")
    return period


def dashboard_region(user, code: str | None = None) -> Region:
    """The region whose dashboard ``user`` asks for: their own jurisdiction by default, or a region of it down to a
    township. Outside the jurisdiction it does not exist for them (404)."""
    if not user.has_perm("dashboards.view_dashboard"):
        raise NotPermitted()
    if not user.is_superuser and not (user.unit_id and user.has_perm(REGION_WIDE_PERMISSION)):
        raise NotPermitted()  # a unit officer's cases are their unit's, not a region's: no dashboard of a region
    regions = scoped(Region.objects.filter(level__lte=RegionLevel.TOWNSHIP), user)
    if code:
        region = regions.filter(code=code).first() if REGION_CODE.fullmatch(code) else None
    elif user.is_superuser and not user.unit_id:
        region = Region.objects.order_by("level", "path").first()
    else:
        region = user.unit.region
        if region.level > RegionLevel.TOWNSHIP:
            # The rollups go down to townships; a village's figures would need its own, and the township's are not
            # the village cadre's to see.
            raise NotPermitted(_("驾驶舱统计到乡镇（街道）一级，村（居）的事项请在信访事项列表中查看。"),
                               code="region_too_small")
    if region is None:
        raise NotFound(_("未找到该行政区划。"), code="region_not_found")
    return region


def region_choices(user, region: Region) -> list[Region]:
    """The regions the dashboard can switch to: the user's own, the chosen one's parent inside the jurisdiction,
    and the chosen one's children down to townships."""
    regions = scoped(Region.objects.filter(level__lte=RegionLevel.TOWNSHIP), user)
    return list(regions.filter(Q(parent=region) | Q(pk=region.pk) | Q(pk=region.parent_id)
                               | Q(pk=getattr(getattr(user, "unit", None), "region_id", None)))
                .order_by("level", "code"))


# Arithmetic -----------------------------------------------------------------------------------------------

def share(numerator: int, denominator: int) -> Decimal | None:
    """A percentage rounded half up to two decimals; None when there is nothing to count (shown as "—")."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def change(now, before, *, rate: bool) -> Decimal | None:
    """同比/环比: for a rate, the difference in percentage points; for a count, the change in per cent."""
    if now is None or before is None:
        return None
    if rate:
        return (Decimal(now) - Decimal(before)).quantize(CENT, rounding=ROUND_HALF_UP)
    if not before:
        return None
    return (Decimal(now - before) * 100 / Decimal(before)).quantize(CENT, rounding=ROUND_HALF_UP)


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTED, 0)


def _add(total: dict, row: dict) -> None:
    for code in COUNTED:
        total[code] += row.get(code) or 0


# The case list behind a figure ----------------------------------------------------------------------------

def case_query(region: Region, period: Period | None, **filters) -> str:
    """The case list's query string for the cases of ``region`` received in ``period`` matching ``filters``."""
    params = {"region": region.code}
    if period is not None:
        params.update(received_after=period.start.isoformat(), received_before=period.last_day.isoformat())
    params.update({k: v for k, v in filters.items() if v not in (None, "")})
    return urlencode(params)


# The dashboard --------------------------------------------------------------------------------------------

def _rollups(user, region: Region, *, by_township: bool = False):
    """The rollup rows of ``region``: its counties' whole-county rows, or (for a township, or ``by_township``) the
    township rows. Never both: they count the same cases."""
    whole = region.level <= RegionLevel.COUNTY and not by_township
    rows = scoped(CaseRollup.objects.filter(whole_county=whole), user).order_by()
    if user.is_superuser or region.pk != getattr(getattr(user, "unit", None), "region_id", None):
        rows = rows.filter(area__in=Region.objects.filter(path__startswith=region.path).values("pk"))
    return rows


def _kpi_values(counts: dict | None) -> dict:
    """Each KPI's rate over ``counts`` (all None without counts: a comparison that has no meaning)."""
    if counts is None:
        return dict.fromkeys((k.code for k in KPIS), None)
    return {k.code: share(counts[k.numerator], counts[k.denominator]) for k in KPIS}


def _kpis(region, period, current, previous, year_ago, by_channel) -> list[dict]:
    now, before, last_year = _kpi_values(current), _kpi_values(previous), _kpi_values(year_ago)
    out = []
    for kpi in KPIS:
        item = {
            "code": kpi.code, "label": str(kpi.label), "definition": str(kpi.definition),
            "higher_is_better": kpi.higher_is_better,
            "value": now[kpi.code], "numerator": current[kpi.numerator], "denominator": current[kpi.denominator],
            "previous": before[kpi.code], "year_ago": last_year[kpi.code],
            "mom": change(now[kpi.code], before[kpi.code], rate=True),
            "yoy": change(now[kpi.code], last_year[kpi.code], rate=True),
            "numerator_cases": case_query(region, period, measure=kpi.numerator),
            "denominator_cases": case_query(region, period, measure=kpi.denominator),
            "channels": [],
        }
        for channel in kpi.channels:
            counts = by_channel.get(channel, _zero())
            item["channels"].append({
                "channel": channel, "label": str(Channel(channel).label),
                "value": share(counts[kpi.numerator], counts[kpi.denominator]),
                "numerator": counts[kpi.numerator], "denominator": counts[kpi.denominator],
                "numerator_cases": case_query(region, period, measure=kpi.numerator, channel=channel),
                "denominator_cases": case_query(region, period, measure=kpi.denominator, channel=channel),
            })
        out.append(item)
    return out


def _counts(region, period, current, previous, year_ago) -> list[dict]:
    """The headline counts, each with 环比 (None without ``previous``) and 同比, as a change in per cent."""
    out = []
    for code in ("received", "first", "repeat", "collective", "skip_level", "to_province", "to_beijing"):
        before = previous[code] if previous is not None else None
        out.append({"code": code, "label": str(SETS[code].label), "value": current[code],
                    "previous": before, "year_ago": year_ago[code],
                    "mom": change(current[code], before, rate=False),
                    "yoy": change(current[code], year_ago[code], rate=False),
                    "cases": case_query(region, period, **({} if code == "received" else {"measure": code}))})
    return out


BREAKDOWN = ("received", "resolved", "handled", "replied_on_time", "reply_due", "satisfied", "evaluated", "repeat")


def _breakdown_row(label, counts: dict, cases: str, key: str = "") -> dict:
    """A row of a breakdown table; each rate links to the cases of its numerator (``cases`` plus the measure)."""
    def numerator(measure: str) -> str:
        return f"{cases}&{urlencode({'measure': measure})}" if cases else ""

    return {"key": key, "label": label, "received": counts["received"], "previous": counts["previous"],
            "mom": change(counts["received"], counts["previous"], rate=False),
            "resolution": share(counts["resolved"], counts["handled"]), "resolution_cases": numerator("resolved"),
            "closed_on_time": share(counts["replied_on_time"], counts["reply_due"]),
            "closed_on_time_cases": numerator("replied_on_time"),
            "satisfaction": share(counts["satisfied"], counts["evaluated"]),
            "satisfaction_cases": numerator("satisfied"),
            "repeat": counts["repeat"], "cases": cases}


def _grouped(rows, dimension: str, group: str, period: Period) -> dict:
    """{group value: the period's counts of a breakdown row, and ``previous``: the cases received in the period
    before (None where 环比 has no meaning)}, from one GROUP BY (a row per group, whatever the number of months)."""
    this = Q(month__gte=period.start)
    previous = period.previous()
    sums = {f"n_{c}": Coalesce(Sum(c, filter=this), 0) for c in BREAKDOWN}  # not named as the columns they sum
    if previous is not None:
        sums["n_previous"] = Coalesce(Sum("received", filter=~this), 0)
    return {row[group]: {c: row[f"n_{c}"] for c in BREAKDOWN} | {"previous": row.get("n_previous")} for row in (
        rows.filter(dimension=dimension, month__gte=(previous or period).start, month__lte=period.end)
        .values(group).annotate(**sums))}


def _regions(user, region, period) -> list[dict]:
    """By region: counties under a city (or higher), townships under a county, the township itself for a township."""
    rows = _rollups(user, region, by_township=region.level >= RegionLevel.COUNTY)
    counts = _grouped(rows, Dimension.CHANNEL, "area_id", period)
    places = Region.objects.in_bulk(list(counts))
    out = []
    for pk, row in counts.items():
        place = places[pk]
        if place.pk == region.pk and region.level <= RegionLevel.COUNTY:
            # Among a county's townships, the county's own row holds matters of the county itself (县直). A
            # township's dashboard has one row, the whole township (the rollups go no lower).
            out.append(_breakdown_row(_("县级（县直）事项"), row, case_query(region, period, region_exact=place.code),
                                      key=place.code))
        else:
            out.append(_breakdown_row(place.name, row, case_query(place, period), key=place.code))
    return sorted(out, key=lambda r: (-r["received"], r["key"]))


def _categories(rows, region, period) -> list[dict]:
    counts = _grouped(rows, Dimension.CATEGORY, "key", period)
    names = dict(Category.objects.filter(pk__in=[int(k) for k in counts if k.isdigit()]).values_list("pk", "name"))
    out = [_breakdown_row(names.get(int(k), k) if k.isdigit() else k, row, case_query(region, period, category=k),
                          key=k) for k, row in counts.items()]
    return sorted(out, key=lambda r: (-r["received"], r["label"]))


def _units(rows, region, period, limit: int = 20) -> list[dict]:
    counts = _grouped(rows, Dimension.UNIT, "key", period)
    keys = sorted((k for k in counts if counts[k]["received"]), key=lambda k: (-counts[k]["received"], k))[:limit]
    names = dict(Unit.objects.filter(pk__in=[int(k) for k in keys if k]).values_list("pk", "name"))
    return [_breakdown_row(names.get(int(k), k) if k else _("未交办"), counts[k],
                           case_query(region, period, unit=k) if k else "", key=k) for k in keys]


SERIES = 6  # lines per breakdown trend: the largest rows of the period


def _series(rows, dimension: str, group: str, trend: Period, breakdown: list[dict]) -> list[dict]:
    """Monthly counts over the trend's months of the breakdown's largest rows (one GROUP BY)."""
    top = [r for r in breakdown if r["key"]][:SERIES]
    if not top:
        return []
    months = trend.months()
    counts = {(row[group], row["month"]): row["n"] for row in (
        rows.filter(dimension=dimension, month__gte=trend.start, month__lte=trend.end,
                    **{f"{group}__in": [r["key"] for r in top]})
        .values(group, "month").annotate(n=Sum("received")))}
    return [{"label": r["label"], "key": r["key"], "data": [counts.get((r["key"], m), 0) for m in months]}
            for r in top]


def _cards(user, region, today: date) -> dict:
    """Open cases with a red or yellow card now (the case list's ``card`` filter), and the units with most red."""
    cases = scoped(Case.objects.filter(warn_on__lte=today), user).filter(
        region__in=Region.objects.filter(path__startswith=region.path).values("pk")).order_by()
    by_unit = list(cases.values("lead_unit_id").annotate(red=Count("id", filter=Q(due_on__lt=today)),
                                                         yellow=Count("id", filter=Q(due_on__gte=today))))
    red, yellow = sum(r["red"] for r in by_unit), sum(r["yellow"] for r in by_unit)
    top = sorted((r for r in by_unit if r["red"] and r["lead_unit_id"]), key=lambda r: -r["red"])[:5]
    names = dict(Unit.objects.filter(pk__in=[r["lead_unit_id"] for r in top]).values_list("pk", "name"))
    return {"red": red, "yellow": yellow,
            "red_cases": case_query(region, None, card="red"), "yellow_cases": case_query(region, None, card="yellow"),
            "units": [{"unit": names.get(r["lead_unit_id"], ""), "red": r["red"], "yellow": r["yellow"],
                       "cases": case_query(region, None, card="red", unit=r["lead_unit_id"])} for r in top]}


def _backlog(user, region) -> dict:
    dossiers = scoped(Dossier.objects.all(), user).filter(
        case__region__in=Region.objects.filter(path__startswith=region.path).values("pk")).order_by()
    by_stage = dict(dossiers.values_list("stage").annotate(n=Count("id")))
    stages = [{"stage": s.value, "label": str(s.label), "n": by_stage.get(s.value, 0),
               "dossiers": urlencode({"stage": s.value, "region": region.code})} for s in Stage]
    total = sum(by_stage.values())
    done = by_stage.get(Stage.RESOLVED, 0) + by_stage.get(Stage.CLOSED, 0)
    return {"total": total, "resolved": done, "rate": share(done, total), "stages": stages,
            "dossiers": urlencode({"region": region.code})}


def _receptions(user, region, period) -> dict:
    lo, hi = day_range(period.start, period.last_day)
    in_region = Region.objects.filter(path__startswith=region.path).values("pk")
    receptions = scoped(Reception.objects.filter(received_at__gte=lo, received_at__lt=hi), user).filter(
        region__in=in_region).order_by()
    by_level = {r["level"]: r for r in receptions.values("level").annotate(batches=Count("id"),
                                                                           persons=Sum("head_count"))}
    visits = scoped(FieldVisit.objects.filter(visited_at__gte=lo, visited_at__lt=hi), user).filter(
        region__in=in_region).order_by().aggregate(n=Count("id"), night=Count("id", filter=Q(is_night=True)))
    dates = {"region": region.code}
    return {
        "levels": [{"level": level, "label": str(RegionLevel(level).label),
                    "batches": by_level.get(level, {}).get("batches", 0),
                    "persons": by_level.get(level, {}).get("persons") or 0,
                    "receptions": urlencode({**dates, "level": level, "received_after": period.start.isoformat(),
                                             "received_before": period.last_day.isoformat()})}
                   for level in RegionLevel.values],
        "batches": sum(r["batches"] for r in by_level.values()),
        "persons": sum(r["persons"] or 0 for r in by_level.values()),
        "field_visits": visits["n"], "night_visits": visits["night"],
        "field_visit_query": urlencode({**dates, "visited_after": period.start.isoformat(),
                                        "visited_before": period.last_day.isoformat()}),
        "night_visit_query": urlencode({**dates, "night": "true", "visited_after": period.start.isoformat(),
                                        "visited_before": period.last_day.isoformat()}),
    }


def _five_colour(user, region) -> dict | None:
    """The latest ranking snapshot of the chosen county (or the township's county); none above county level."""
    if region.level < RegionLevel.COUNTY:
        return None
    county_code = region.ancestor_codes[RegionLevel.COUNTY - 1]
    snapshot = (snapshot_list(user=user).filter(county__code=county_code)
                .order_by("-period_start", "-generated_at", "-pk").first())
    if snapshot is None:
        return None
    return {"snapshot": snapshot.pk, "kind": snapshot.get_kind_display(), "period": snapshot.period_start,
            "rows": [{"group": r.group, "unit": r.name, "rank": r.rank, "index": r.index,
                      "colour": r.colour, "colour_name": r.colour_name} for r in snapshot_rows(snapshot)]}


def _freshness(user, region, months: list[date]) -> dict:
    counties = Region.objects.filter(level=RegionLevel.COUNTY).filter(
        Q(path__startswith=region.path) | Q(code__in=region.ancestor_codes))
    buckets = scoped(RollupBucket.objects.filter(county__in=counties, month__gte=min(months),
                                                 month__lte=max(months)), user)
    info = buckets.aggregate(oldest=Min("computed_at"), newest=Max("computed_at"),
                             stale=Count("id", filter=Q(stale_since__isnull=False)),
                             stale_since=Min("stale_since"))
    return {"computed_at": info["oldest"], "newest": info["newest"], "stale_months": info["stale"],
            "stale_since": info["stale_since"]}


def dashboard(*, user, region: Region, period: Period, kpis_only: bool = False) -> dict:
    """Everything the dashboard shows for ``region`` and ``period`` (see the module docstring); with ``kpis_only``,
    the region, period, KPIs and freshness alone (one rollup query)."""
    today = timezone.localdate()
    previous, year_ago, trend = period.previous(), period.year_ago(), period.trend()
    rows = _rollups(user, region)
    lo = min((previous or period).start, year_ago.start, trend.start)
    current, before, last_year = _zero(), _zero() if previous else None, _zero()
    by_channel: dict[str, dict] = {}
    by_month: dict[date, dict] = {m: _zero() for m in trend.months()}
    channel_months: dict[str, dict[date, int]] = {}
    for row in (rows.filter(dimension=Dimension.CHANNEL, month__gte=lo, month__lte=period.end)
                .values("month", "key").annotate(**{c: Sum(c) for c in COUNTED})):
        month = row["month"]
        if period.contains(month):
            _add(current, row)
            _add(by_channel.setdefault(row["key"], _zero()), row)
        if previous is not None and previous.contains(month):
            _add(before, row)
        if year_ago.contains(month):
            _add(last_year, row)
        if trend.contains(month):
            _add(by_month[month], row)
            channel_months.setdefault(row["key"], {})[month] = (
                channel_months.get(row["key"], {}).get(month, 0) + row["received"])
    answer = {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "period": {"start": period.start, "end": period.end, "last_day": period.last_day, "label": period.label(),
                   "kind": period.kind, "has_previous": previous is not None,
                   "previous": previous.label() if previous else None, "year_ago": year_ago.label(),
                   "to_date": period.end == today.replace(day=1)},
        "kpis": _kpis(region, period, current, before, last_year, by_channel),
        "freshness": _freshness(user, region, [lo, period.end]),
    }
    if kpis_only:
        return answer
    trend_months = trend.months()
    channels = [{"channel": c.value, "label": str(c.label), "received": by_channel.get(c.value, _zero())["received"],
                 "first": by_channel.get(c.value, _zero())["first"],
                 "resolution": share(by_channel.get(c.value, _zero())["resolved"],
                                     by_channel.get(c.value, _zero())["handled"]),
                 "cases": case_query(region, period, channel=c.value),
                 "resolution_cases": case_query(region, period, channel=c.value, measure="resolved"),
                 "trend": [channel_months.get(c.value, {}).get(m, 0) for m in trend_months]}
                for c in Channel]
    regions, categories, units = (_regions(user, region, period), _categories(rows, region, period),
                                  _units(rows, region, period))
    return answer | {
        "counts": _counts(region, period, current, before, last_year),
        "channels": channels,
        "trend": {
            "months": [f"{m:%Y-%m}" for m in trend_months],
            **{code: [by_month[m][code] for m in trend_months]
               for code in ("received", "first", "repeat", "skip_level", "to_province", "to_beijing")},
            "cases": [case_query(region, Period(m, m)) for m in trend_months],
            "skip_level_cases": [case_query(region, Period(m, m), measure="skip_level") for m in trend_months],
        },
        "regions": regions,
        "categories": categories,
        "units": units,
        "series": {
            "categories": _series(rows, Dimension.CATEGORY, "key", trend, categories),
            "regions": _series(_rollups(user, region, by_township=region.level >= RegionLevel.COUNTY),
                               Dimension.CHANNEL, "area__code", trend, regions),
            "units": _series(rows, Dimension.UNIT, "key", trend, units),
        },
        "cards": _cards(user, region, today),
        "backlog": _backlog(user, region),
        "receptions": _receptions(user, region, period),
        "five_colour": _five_colour(user, region),
    }
