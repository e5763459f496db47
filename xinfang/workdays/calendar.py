"""Counting days the way the law does: 民法典 articles 201 and 203, on the Chinese working-day calendar.

- The day of the event is not counted; day 1 is the next day (article 201).
- A period in calendar days whose last day is a statutory rest day or holiday ends on the first working day
  after it (article 203).
- A period in working days ends on the n-th working day after the day of the event.

Working days come from the national calendar (the chinese-calendar package, which knows 调休: the make-up
working Saturdays and Sundays) with the county's own overrides on top. For a year neither knows, Saturdays and
Sundays are rest days and the result is marked ``unconfirmed`` so the admin is told; it is never an error.

Everything here is a side-effect-free function of its inputs.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants

CALENDAR = "calendar"
WORKING = "working"


@lru_cache(maxsize=1)
def package_years() -> range:
    """The years the installed chinese-calendar package has published holidays for."""
    years = [d.year for d in constants.holidays]
    return range(min(years), max(years) + 1)


def package_version() -> str:
    """The installed chinese-calendar's version, named on the calendar page and in the audit row of a load."""
    return getattr(chinese_calendar, "__version__", "")


@dataclass(frozen=True)
class PackageHoliday:
    """One holiday of a year as the package has it: its rest days (weekends inside the break included) and the
    调休 Saturdays and Sundays worked for it. ``name`` is the package's English name (selectors translate it)."""

    name: str
    first: date
    last: date
    rest_days: int
    makeup: tuple[date, ...] = ()


def package_holidays(year: int) -> list[PackageHoliday]:
    """The year's national holidays and make-up working days from the package, in date order; empty for a year it
    does not know. A break runs over the weekend days next to its holidays, as the 国务院办公厅 notice counts it
    (2015's 端午节: 20 to 22 June, the Sunday between included)."""
    if year not in package_years():
        return []

    def rest(day: date) -> bool:
        return day.year == year and not chinese_calendar.is_workday(day)

    breaks: list[list] = []  # [name, first, last]
    for day, name in sorted((d, h) for d, h in constants.holidays.items() if d.year == year):
        if breaks and breaks[-1][0] == name and day <= breaks[-1][2] + timedelta(days=1):
            breaks[-1][2] = max(day, breaks[-1][2])
            continue
        first, last = day, day
        while rest(first - timedelta(days=1)):
            first -= timedelta(days=1)
        while rest(last + timedelta(days=1)):
            last += timedelta(days=1)
        if breaks and breaks[-1][0] == name and first <= breaks[-1][2] + timedelta(days=1):
            breaks[-1][2] = max(last, breaks[-1][2])
        else:
            breaks.append([name, first, last])
    makeup: dict[str, list[date]] = {}
    for day, name in sorted((d, h) for d, h in constants.workdays.items() if d.year == year):
        makeup.setdefault(name, []).append(day)
    # A holiday's make-up days go with its first break in the year.
    return [PackageHoliday(name, first, last, (last - first).days + 1, tuple(makeup.pop(name, ())))
            for name, first, last in breaks]


def national_is_workday(day: date) -> bool | None:
    """The national calendar's answer, or None for a year the package does not know."""
    if day.year not in package_years():
        return None
    return chinese_calendar.is_workday(day)


@dataclass
class WorkCalendar:
    """One county's working-day calendar: national days, then the county's overrides (date → is working day),
    and the years the county admin has confirmed by hand."""

    overrides: dict[date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()

    def is_known(self, day: date) -> bool:
        return day.year in package_years() or day.year in self.confirmed_years

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        national = national_is_workday(day)
        if national is None:
            return day.weekday() < 5
        return national

    def source(self, day: date) -> str:
        """Where the answer for ``day`` comes from: 'override', 'national' or 'weekends' (unconfirmed)."""
        if day in self.overrides:
            return "override"
        return "national" if day.year in package_years() else "weekends"

    def next_workday(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def due_date(self, start: date, days: int, kind: str) -> tuple[date, bool]:
        """The last day of a period of ``days`` counted from the event on ``start``, and whether any day the
        count relied on lies in an unconfirmed year."""
        if kind == CALENDAR:
            due = self.next_workday(start + timedelta(days=days))
        else:
            due, counted = start, 0
            while counted < days:
                due += timedelta(days=1)
                if self.is_workday(due):
                    counted += 1
        return due, not (self.is_known(start) and self.is_known(due))

    def workdays_before(self, due: date, n: int) -> date:
        """The working day ``n`` working days before ``due`` (``due`` itself when n is 0)."""
        day, counted = due, 0
        while counted < n:
            day -= timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def days_between(self, start: date, end: date, kind: str) -> int:
        """How many days of ``kind`` lie after ``start`` up to and including ``end`` (0 if end <= start): the days
        a suspended clock lost."""
        if end <= start:
            return 0
        if kind == CALENDAR:
            return (end - start).days
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_workday(start + timedelta(days=i)))
