"""Reads of the working-day calendar."""

from datetime import date

from .calendar import WorkCalendar, package_years
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
