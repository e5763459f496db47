"""A change to a county's working-day calendar, and the running clocks that follow it."""

from datetime import date

from django.db import transaction

from xinfang.celery import enqueue
from xinfang.org.models import Region, User
from xinfang.workdays import services as calendar
from xinfang.workdays.models import CalendarDay, CalendarYear


def _recompute_after_commit(county: Region, day: date) -> None:
    """Once the change commits, move the county's running clocks due on or after ``day`` (in the background)."""
    enqueue("deadlines.tasks.recompute_due_dates", county.pk, day.isoformat())


@transaction.atomic
def calendar_day_set(*, actor: User, county: Region, day: date, is_workday: bool, name: str) -> CalendarDay:
    obj = calendar.calendar_day_set(actor=actor, county=county, day=day, is_workday=is_workday, name=name)
    _recompute_after_commit(county, day)
    return obj


@transaction.atomic
def calendar_day_delete(*, actor: User, day: CalendarDay) -> None:
    calendar.calendar_day_delete(actor=actor, day=day)
    _recompute_after_commit(day.county, day.date)


@transaction.atomic
def calendar_year_confirm(*, actor: User, county: Region, year: int) -> CalendarYear:
    obj = calendar.calendar_year_confirm(actor=actor, county=county, year=year)
    _recompute_after_commit(county, date(year, 1, 1))
    return obj


@transaction.atomic
def calendar_year_load(*, actor: User, county: Region, year: int) -> CalendarYear:
    """The year taken from the chinese-calendar package; the county's running clocks from its first day recomputed
    on the package's days (those counted before the package knew the year lose their 'calendar unconfirmed')."""
    obj = calendar.calendar_year_load(actor=actor, county=county, year=year)
    _recompute_after_commit(county, date(year, 1, 1))
    return obj
