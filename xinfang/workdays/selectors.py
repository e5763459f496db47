"""Reads of the working-day calendar."""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xinfang.org.scoping import scoped

from .calendar import WorkCalendar, package_holidays, package_version, package_years
from .models import CalendarDay, CalendarYear


def calendar_for(county_id: int) -> WorkCalendar:
    """The county's calendar: its overrides and confirmed years (two small queries)."""
    overrides = dict(CalendarDay.objects.filter(county_id=county_id).values_list("date", "is_workday"))
    years = frozenset(CalendarYear.objects.filter(county_id=county_id).values_list("year", flat=True))
    return WorkCalendar(overrides=overrides, confirmed_years=years)


def unconfirmed_years(county_id: int, *, around: date) -> list[int]:
    """Years from ``around``'s year to the next that neither the package nor the county admin has entered."""
    confirmed = set(CalendarYear.objects.filter(county_id=county_id).values_list("year", flat=True))
    return [y for y in (around.year, around.year + 1) if y not in package_years() and y not in confirmed]


def calendar_day_list(*, user, county_id: int):
    """The county's overrides the user may see, by date (the calendar page's list)."""
    return scoped(CalendarDay.objects.filter(county_id=county_id).select_related("created_by"), user).order_by("date")


def confirmed_years(county_id: int) -> list[int]:
    return list(CalendarYear.objects.filter(county_id=county_id).order_by("year").values_list("year", flat=True))


def override_counts(county_id: int, years) -> dict[int, int]:
    """How many days the admin has entered per year (one query): a year is confirmed once its days are in."""
    rows = (CalendarDay.objects.filter(county_id=county_id, date__year__in=list(years))
            .values_list("date__year").annotate(n=Count("id")).order_by())
    return dict(rows)


# The national holidays by the package's English name, in our own words so that locale/ translates them.
HOLIDAY_NAMES = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "National Day": _("国庆节"),
    "Mid-autumn Festival": _("中秋节"),
}


@dataclass(frozen=True)
class DayInfo:
    """One cell of the calendar page: whether ``day`` is worked in the county, and why.

    ``source``: 'override' (the county's own day, ``label`` is its name), 'holiday' (a national holiday,
    ``label`` its name), 'makeup' (a national 调休 working Saturday or Sunday), 'weekend', 'workday', or
    'unconfirmed' (a year neither the package nor the admin has entered: weekends only)."""

    day: date
    is_workday: bool
    source: str
    label: str = ""
    in_month: bool = True


def _describe(day: date, overrides: dict[date, tuple[bool, str]], confirmed: set[int], month: int) -> DayInfo:
    in_month = day.month == month
    if day in overrides:
        is_workday, name = overrides[day]
        return DayInfo(day, is_workday, "override", name, in_month)
    if day.year not in package_years():
        weekday = day.weekday() < 5
        if day.year in confirmed:
            return DayInfo(day, weekday, "workday" if weekday else "weekend", "", in_month)
        return DayInfo(day, weekday, "unconfirmed", str(_("未确认")), in_month)
    is_workday = chinese_calendar.is_workday(day)
    _is_holiday, holiday = chinese_calendar.get_holiday_detail(day)
    if not is_workday and holiday:
        return DayInfo(day, False, "holiday", str(HOLIDAY_NAMES.get(holiday) or _package_name(holiday)), in_month)
    if is_workday and day.weekday() >= 5:
        return DayInfo(day, True, "makeup", str(_("调休上班")), in_month)
    return DayInfo(day, is_workday, "workday" if is_workday else "weekend", "", in_month)


def _package_name(english: str) -> str:
    """The package's own Chinese name of a holiday we have not named (a one-off like 2015's 抗战胜利纪念日)."""
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def calendar_month(county_id: int, *, year: int, month: int) -> list[list[DayInfo]]:
    """The weeks (Monday first) covering a month, each day described for the county (two small queries)."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    end = last + timedelta(days=6 - last.weekday())
    overrides = {d: (w, n) for d, w, n in CalendarDay.objects.filter(county_id=county_id, date__range=(start, end))
                 .values_list("date", "is_workday", "name")}
    confirmed = set(CalendarYear.objects.filter(county_id=county_id).values_list("year", flat=True))
    days = [_describe(start + timedelta(days=i), overrides, confirmed, month) for i in range((end - start).days + 1)]
    return [days[i:i + 7] for i in range(0, len(days), 7)]


@dataclass(frozen=True)
class HolidayInfo:
    """One national break of a year, named in our words: its first and last rest days and its 调休 working days."""

    name: str
    first: date
    last: date
    rest_days: int
    makeup: tuple[date, ...]


@dataclass(frozen=True)
class YearInfo:
    """Where one year of the county's calendar stands, for the calendar page's one instruction per year.

    ``state``: 'loaded' (taken from the package), 'to_load' (the package knows it, the county has not loaded it),
    'confirmed' (entered by hand and confirmed, the package does not know it) or 'unknown' (nobody knows it: weekends
    only). ``entered``: the county's own days in the year; ``holidays``: the package's, when it knows the year."""

    year: int
    state: str
    entered: int = 0
    holidays: tuple[HolidayInfo, ...] = ()
    confirmed_by: str = ""
    confirmed_at: object = None

    @property
    def rest_days(self) -> int:
        return sum(h.rest_days for h in self.holidays)

    @property
    def makeup_days(self) -> int:
        return sum(len(h.makeup) for h in self.holidays)


def calendar_years(county_id: int, *, years) -> list[YearInfo]:
    """Each of ``years`` as the county's calendar has it (two small queries)."""
    years = sorted(set(years))
    settled = {y.year: y for y in CalendarYear.objects.filter(county_id=county_id, year__in=years)
               .select_related("confirmed_by")}
    entered = override_counts(county_id, years)
    infos = []
    for year in years:
        row = settled.get(year)
        holidays = tuple(HolidayInfo(str(HOLIDAY_NAMES.get(h.name) or _package_name(h.name)), h.first, h.last,
                                     h.rest_days, h.makeup) for h in package_holidays(year))
        if year in package_years():
            state = "loaded" if row and row.from_package else "to_load"
        else:
            state = "confirmed" if row else "unknown"
        infos.append(YearInfo(year, state, entered.get(year, 0), holidays,
                              row.confirmed_by.display_name if row and row.confirmed_by else "",
                              row.confirmed_at if row else None))
    return infos


UPGRADE_COMMAND = "pip install --upgrade chinesecalendar"


def package_unknown_message(year: int, *, command: str = UPGRADE_COMMAND) -> str:
    """What to do about a year the installed package does not know: one instruction, two ways, said once (the
    calendar page, which sets ``command`` in code type, and a refused load say the same)."""
    return gettext(
        "日历数据（chinese-calendar %(version)s）尚未包含 %(year)s 年的放假安排。国务院办公厅公布该年放假通知后，"
        "请系统管理员升级日历数据（%(command)s，重启服务），再回到本页载入；"
        "等不及升级的，在本页逐日录入通知中的放假日和调休上班日，录完后确认该年份。") % {
        "version": package_version(), "year": year, "command": command}
