"""Counting days as the law does (民法典 201, 203) on the Chinese working-day calendar, with 调休 and the county's
overrides. The expected dates were worked out by hand from the State Council's 2026 holiday notice."""

from datetime import date

import pytest

from xinfang.workdays.calendar import CALENDAR, WORKING, WorkCalendar
from xinfang.workdays.models import CalendarDay, CalendarYear
from xinfang.workdays.selectors import calendar_for

D = date.fromisoformat
NATIONAL = WorkCalendar()


@pytest.mark.parametrize(("start", "days", "kind", "due", "why"), [
    # Spring Festival 2026: 15–23 February off; Saturday 14 and Saturday 28 February are working days.
    ("2026-02-12", 3, CALENDAR, "2026-02-24", "day 3 is Sunday the 15th, in the holiday: the first working day after"),
    ("2026-02-09", 7, CALENDAR, "2026-02-24", "the 16th is in the holiday"),
    ("2026-02-01", 15, CALENDAR, "2026-02-24", "15 days from 1 February end on the 16th, in the holiday"),
    ("2026-02-12", 3, WORKING, "2026-02-24", "Fri 13, the make-up Saturday 14, then nothing until Tue 24"),
    ("2026-02-13", 1, WORKING, "2026-02-14", "the make-up Saturday is a working day"),
    ("2026-02-23", 5, WORKING, "2026-02-28", "24–27, then the make-up Saturday 28"),
    ("2026-02-14", 1, CALENDAR, "2026-02-24", "day 1 is the 15th, in the holiday"),
    ("2026-02-20", 8, CALENDAR, "2026-02-28", "the 28th is a make-up Saturday, so a period may end on it"),
    # National Day 2026: 1–7 October off; Saturday 10 October is a working day.
    ("2026-09-14", 21, CALENDAR, "2026-10-08", "day 21 is 5 October, in the holiday"),
    ("2026-09-29", 7, WORKING, "2026-10-14", "30 Sep, 8, 9, the make-up Saturday 10, 12, 13, 14 October"),
    ("2026-09-30", 1, WORKING, "2026-10-08", "the holiday week holds no working day"),
    # Ordinary weeks.
    ("2026-11-18", 3, CALENDAR, "2026-11-23", "day 3 is Saturday: the period ends on Monday"),
    ("2026-11-19", 3, WORKING, "2026-11-24", "Fri 20, Mon 23, Tue 24"),
    ("2026-11-16", 3, CALENDAR, "2026-11-19", "day 3 is a Thursday: no roll"),
    ("2026-11-20", 60, CALENDAR, "2027-01-19", "a calendar period crosses into a year the package does not know"),
])
def test_due_dates_follow_the_civil_code_on_the_national_calendar(start, days, kind, due, why):
    assert NATIONAL.due_date(D(start), days, kind)[0] == D(due), why


def test_the_day_of_the_event_is_not_counted():
    # Registered on Monday 16 November: 1 calendar day ends on Tuesday, not Monday.
    assert NATIONAL.due_date(D("2026-11-16"), 1, CALENDAR)[0] == D("2026-11-17")


def test_a_due_date_in_a_year_nobody_has_entered_counts_weekends_alone_and_is_flagged():
    due, unconfirmed = NATIONAL.due_date(D("2027-01-01"), 8, CALENDAR)  # 9 Jan 2027 is a Saturday
    assert due == D("2027-01-11")
    assert unconfirmed is True
    assert NATIONAL.due_date(D("2026-11-16"), 3, CALENDAR)[1] is False


def test_a_calendar_and_a_working_day_period_differ_across_a_weekend():
    assert NATIONAL.due_date(D("2026-11-19"), 5, CALENDAR)[0] == D("2026-11-24")
    assert NATIONAL.due_date(D("2026-11-19"), 5, WORKING)[0] == D("2026-11-26")


def test_the_warning_day_is_counted_back_in_working_days():
    # Due on Tuesday 24 February 2026: one working day back skips the whole holiday to Saturday the 14th.
    assert NATIONAL.workdays_before(D("2026-02-24"), 1) == D("2026-02-14")
    assert NATIONAL.workdays_before(D("2026-11-23"), 1) == D("2026-11-20")


def test_suspended_days_are_counted_in_the_clock_s_own_kind():
    assert NATIONAL.days_between(D("2026-11-20"), D("2026-11-24"), CALENDAR) == 4
    assert NATIONAL.days_between(D("2026-11-20"), D("2026-11-24"), WORKING) == 2  # Mon 23, Tue 24
    assert NATIONAL.days_between(D("2026-11-24"), D("2026-11-20"), WORKING) == 0


@pytest.mark.django_db
def test_a_county_s_own_rest_day_and_make_up_day_override_the_national_calendar(county):
    CalendarDay.objects.create(county=county.region, date=D("2026-11-23"), is_workday=False, name="县庆")
    CalendarDay.objects.create(county=county.region, date=D("2026-11-22"), is_workday=True, name="调休上班")
    cal = calendar_for(county.region.pk)

    assert cal.is_workday(D("2026-11-23")) is False
    assert cal.is_workday(D("2026-11-22")) is True
    assert cal.source(D("2026-11-23")) == "override"
    # 3 calendar days from Thursday 19 November end on Sunday 22, a working day in this county.
    assert cal.due_date(D("2026-11-19"), 3, CALENDAR)[0] == D("2026-11-22")
    # 3 calendar days from Wednesday 18: Saturday 21 → Sunday 22 is worked here.
    assert cal.due_date(D("2026-11-18"), 3, CALENDAR)[0] == D("2026-11-22")
    # 2 working days from Friday 20: Sunday 22, then Tuesday 24 (Monday is the county's holiday).
    assert cal.due_date(D("2026-11-20"), 2, WORKING)[0] == D("2026-11-24")


@pytest.mark.django_db
def test_a_year_the_admin_has_confirmed_is_no_longer_flagged(county):
    CalendarYear.objects.create(county=county.region, year=2027)
    cal = calendar_for(county.region.pk)

    assert cal.due_date(D("2027-01-01"), 8, CALENDAR) == (D("2027-01-11"), False)
