"""Reception schedules: recurring rules expand into dated slots; a leader never receives twice at one time."""

from datetime import date, time

import pytest
import time_machine

from visits import services as vs
from visits.models import ReceptionSchedule, ReceptionSlot
from xinfang.errors import Conflict, ValidationFailed

from .conftest import at


def weekly_thursdays(county, leader, **overrides):
    data = {"region": county.region, "level": 3, "title": "县领导开门接访", "place": "县信访接待中心",
            "weekday": 3, "start_time": time(14, 30), "end_time": time(17, 30), "starts_on": date(2026, 9, 1),
            "leader": leader}
    data.update(overrides)
    return vs.ScheduleInput(**data)


def slot_days(schedule):
    return [s.starts_at.astimezone(at("2026-01-01").tzinfo).date() for s in schedule.slots.order_by("starts_at")]


def test_every_thursday_afternoon_expands_to_the_horizon_and_skips_the_national_day_holiday(caseworker, county,
                                                                                            leader):
    with time_machine.travel(at("2026-09-21", 9), tick=False):
        schedule = vs.schedule_create(actor=caseworker, data=weekly_thursdays(county, leader))

    days = slot_days(schedule)
    # Eight weeks from Monday 21 September: the Thursdays to 15 November, without 1 October (国庆节).
    assert days == [date(2026, 9, 24), date(2026, 10, 8), date(2026, 10, 15), date(2026, 10, 22),
                    date(2026, 10, 29), date(2026, 11, 5), date(2026, 11, 12)]
    first = schedule.slots.order_by("starts_at").first()
    assert (first.leader, first.place, first.capacity, first.level) == (leader, "县信访接待中心", 10, 3)
    assert first.starts_at == at("2026-09-24", 14, 30)


def test_the_first_monday_of_each_month(caseworker, county, leader):
    with time_machine.travel(at("2026-08-20"), tick=False):
        schedule = vs.schedule_create(actor=caseworker, data=weekly_thursdays(
            county, leader, frequency="monthly", weekday=0, week_of_month=1, skip_holidays=False))
        vs.schedule_expand(schedule=schedule, until=date(2027, 1, 31))

    assert slot_days(schedule) == [date(2026, 9, 7), date(2026, 10, 5), date(2026, 11, 2), date(2026, 12, 7),
                                   date(2027, 1, 4)]


def test_expanding_twice_creates_each_slot_once(caseworker, county, leader):
    with time_machine.travel(at("2026-09-21", 9), tick=False):
        schedule = vs.schedule_create(actor=caseworker, data=weekly_thursdays(county, leader))
        assert vs.schedule_expand(schedule=schedule) == 0
        assert vs.schedules_extend() == 0
    with time_machine.travel(at("2026-10-05", 9), tick=False):
        assert vs.schedules_extend() == 2  # the horizon moved two weeks

    assert ReceptionSlot.objects.filter(schedule=schedule).count() == 9


def test_a_rule_that_clashes_with_the_leaders_other_reception_is_refused_and_nothing_is_saved(caseworker, county,
                                                                                             leader):
    with time_machine.travel(at("2026-09-21", 9), tick=False):
        vs.slot_create(actor=caseworker, data=vs.SlotInput(
            region=county.region, level=3, title="专题接访", place="县政府", leader=leader,
            starts_at=at("2026-10-15", 16), ends_at=at("2026-10-15", 18)))
        with pytest.raises(Conflict) as refused:
            vs.schedule_create(actor=caseworker, data=weekly_thursdays(county, leader))

    assert refused.value.code == "slot_overlap"
    assert refused.value.detail == {"dates": ["2026-10-15"]}
    assert not ReceptionSchedule.objects.exists()
    assert ReceptionSlot.objects.count() == 1


def test_a_one_off_slot_overlapping_another_is_refused(caseworker, county, leader, slot):
    with pytest.raises(Conflict) as refused:
        vs.slot_create(actor=caseworker, data=vs.SlotInput(
            region=county.region, level=3, title="重复", place="县政府", leader=leader,
            starts_at=slot.starts_at.replace(hour=slot.starts_at.hour + 1), ends_at=slot.ends_at))
    assert refused.value.code == "slot_overlap"
    assert ReceptionSlot.objects.count() == 1


def test_a_slot_that_ends_before_it_starts_is_refused(caseworker, county, leader):
    with pytest.raises(ValidationFailed):
        vs.slot_create(actor=caseworker, data=vs.SlotInput(
            region=county.region, level=3, title="错误", place="县政府", leader=leader,
            starts_at=at("2026-12-01", 15), ends_at=at("2026-12-01", 14)))
    assert not ReceptionSlot.objects.exists()


def test_a_campaign_opens_one_slot_in_every_county_of_the_city(caseworker, county, other_county):
    from tests.factories import make_person

    city_clerk = make_person("city.clerk", _city_bureau(county), ["caseworker"])
    campaign = vs.campaign_create(actor=city_clerk, region=county.city, title="欠薪问题集中接访", topic="根治欠薪",
                                  starts_at=at("2027-01-14", 14), ends_at=at("2027-01-14", 17),
                                  place="各县信访接待中心")

    assert sorted(campaign.slots.values_list("region__name", flat=True)) == ["怀宁县", "望江县"]
    assert set(campaign.slots.values_list("kind", flat=True)) == {"campaign"}


def _city_bureau(county):
    from xinfang.org.services import unit_create

    return unit_create(name="安庆市信访局", kind="petition_bureau", region=county.city)
