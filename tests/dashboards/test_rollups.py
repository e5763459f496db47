"""The rollups stay current: a case service marks its month stale when it commits, the Celery task recomputes stale
months, the nightly task catches deadlines that passed without a write, and the dashboard says how fresh it is."""

from datetime import date, datetime

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker

from dashboards import selectors, services, tasks
from dashboards.models import CaseRollup, RollupBucket
from tests.dashboards.conftest import TZ, clock, make_case
from workflow import case_accept

pytestmark = pytest.mark.django_db

NOVEMBER = selectors.Period(date(2026, 11, 1), date(2026, 11, 1))


def resolution(user, region):
    data = selectors.dashboard(user=user, region=region, period=NOVEMBER)
    return next(k for k in data["kpis"] if k["code"] == "timely_acceptance")


def test_a_case_service_marks_its_month_stale_on_commit_and_the_task_brings_the_figures_up_to_date(
        arranged, county, caseworker, leader, django_capture_on_commit_callbacks):
    c5 = arranged.cases["C5"]  # registered, its acceptance clock still running: not yet in 及时受理率
    before = resolution(leader, county.region)
    assert (before["numerator"], before["denominator"]) == (7, 9)

    with django_capture_on_commit_callbacks(execute=True):
        case_accept(actor=caseworker, case=c5, version=c5.version)

    bucket = RollupBucket.objects.get(county=county.region, month=date(2026, 11, 1))
    assert bucket.stale_since is not None
    assert selectors.dashboard(user=leader, region=county.region, period=NOVEMBER)["freshness"]["stale_months"] == 1
    assert resolution(leader, county.region)["denominator"] == 9  # not yet recomputed

    assert tasks.refresh_rollups.apply().get() == 1
    after = resolution(leader, county.region)
    assert (after["numerator"], after["denominator"]) == (8, 10)  # accepted today, well within 15 days
    bucket.refresh_from_db()
    assert bucket.stale_since is None and bucket.computed_at is not None
    assert tasks.refresh_rollups.apply().get() == 0  # nothing left to do


def test_a_rolled_back_change_marks_nothing(arranged, county, caseworker, django_capture_on_commit_callbacks):
    from django.db import transaction

    c5 = arranged.cases["C5"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                case_accept(actor=caseworker, case=c5, version=c5.version)
                raise RuntimeError("the request failed later")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not RollupBucket.objects.filter(stale_since__isnull=False).exists()


def test_the_nightly_task_recounts_months_with_open_cases_as_their_deadlines_pass(county, caseworker, leader):
    from cases.models import Category

    with time_machine.travel(datetime(2026, 11, 19, 10, tzinfo=TZ), tick=False):
        case = make_case(county, caseworker, category=Category.objects.create(county=county.region, name="欠薪"))
        clock(case, "decide", due=date(2026, 11, 20))  # due tomorrow
        services.rollups_rebuild()
        assert resolution(leader, county.region)["denominator"] == 0
    with time_machine.travel(datetime(2026, 11, 21, 0, 20, tzinfo=TZ), tick=False):
        assert tasks.mark_open_rollups.apply().get() == 1
        overdue = resolution(leader, county.region)
    assert (overdue["numerator"], overdue["denominator"]) == (0, 1)


def test_refreshing_twice_gives_the_same_rows_and_a_month_whose_cases_are_gone_is_emptied(arranged, county):
    rows = sorted(CaseRollup.objects.values_list("area_id", "month", "dimension", "key", "received", "resolved"))
    services.rollup_refresh(county_id=county.region.pk, month=date(2026, 11, 1))
    services.rollup_refresh(county_id=county.region.pk, month=date(2026, 11, 1))
    assert sorted(CaseRollup.objects.values_list("area_id", "month", "dimension", "key", "received",
                                                 "resolved")) == rows
    arranged.cases["Y1"].delete()
    services.rollups_rebuild(county=county.region)
    assert not CaseRollup.objects.filter(month=date(2025, 11, 1)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_the_refresh_that_beat_schedules(redis_url, county, caseworker):
    from django.conf import settings

    from cases.models import Category
    from xinfang.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["dashboard-rollups"]["task"] == "dashboards.tasks.refresh_rollups"
    case = make_case(county, caseworker, category=Category.objects.create(county=county.region, name="欠薪"))
    services.rollup_touch(case)  # outside a transaction: marked at once
    assert RollupBucket.objects.filter(stale_since__isnull=False).count() == 1
    previous = app.conf.broker_url
    app.conf.broker_url = redis_url
    app.conf.broker_transport_options = {"visibility_timeout": 60}
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            tasks.refresh_rollups.delay()
            for _ in range(100):
                if not RollupBucket.objects.filter(stale_since__isnull=False).exists():
                    break
                import time

                time.sleep(0.1)
    finally:
        app.conf.broker_url = previous
    assert CaseRollup.objects.filter(dimension="channel", whole_county=True).get().received == 1
