"""The sweep raises, escalates and clears red and yellow cards for every running clock with set-based SQL. It is
idempotent, safe to run in two workers at once (a database constraint), catches up after downtime, and a worker
killed half-way loses nothing: the next run converges."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection, connections

import workflow
from cases import services as cs
from deadlines import services as ds
from deadlines.models import Card, Notification
from tests.factories import make_person, set_milestone

from .conftest import at

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def assigned(register, caseworker, unit, day: str, **overrides):
    with time_machine.travel(at(day), tick=False):
        case = workflow.case_accept(actor=caseworker, case=register(**overrides), version=1)
        return workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=unit)


def sweep_on(day: str, hour: int = 10):
    with time_machine.travel(at(day, hour), tick=False):
        return workflow.sweep()


def current(case, code=None):
    cards = Card.objects.filter(case=case, cleared_at__isnull=True)
    if code:
        cards = cards.filter(deadline__milestone__code=code)
    return sorted(cards.values_list("deadline__milestone__code", "colour"))


def test_a_yellow_card_is_raised_on_the_last_working_day_before_the_due_date(register, caseworker, county):
    case = assigned(register, caseworker, county.housing, "2026-11-16")  # meet due Thu 19th

    sweep_on("2026-11-17")
    assert current(case, "meet") == []
    sweep_on("2026-11-18")
    assert current(case, "meet") == [("meet", "yellow")]


def test_a_red_card_is_raised_once_when_the_sweep_runs_twice(register, caseworker, unit_officer, county):
    case = assigned(register, caseworker, county.housing, "2026-11-16")

    first = sweep_on("2026-11-20")
    second = sweep_on("2026-11-20", hour=11)

    assert current(case, "meet") == [("meet", "red")]
    assert first["raised_red"] >= 1 and second["raised_red"] == 0
    assert Card.objects.filter(case=case, deadline__milestone__code="meet", colour="red").count() == 1
    # The unit's officer was told once, whatever the number of runs.
    assert Notification.objects.filter(user=unit_officer, card__deadline__milestone__code="meet").count() == 1


def test_red_replaces_yellow_and_the_yellow_stays_in_history(register, caseworker, county):
    case = assigned(register, caseworker, county.housing, "2026-11-16")
    sweep_on("2026-11-18")
    sweep_on("2026-11-20")

    yellow = Card.objects.get(case=case, deadline__milestone__code="meet", colour="yellow")
    assert (yellow.cleared_at is not None, yellow.clear_reason) == (True, "escalated")
    assert current(case, "meet") == [("meet", "red")]


def test_meeting_the_milestone_clears_the_red_card_which_stays_for_scoring(register, caseworker, unit_officer,
                                                                           county):
    case = assigned(register, caseworker, county.housing, "2026-11-16")
    sweep_on("2026-11-20")
    with time_machine.travel(at("2026-11-20", 14), tick=False):
        workflow.case_meet(actor=unit_officer, case=case, version=case.version)
    sweep_on("2026-11-20", hour=15)

    red = Card.objects.get(case=case, deadline__milestone__code="meet", colour="red")
    assert red.clear_reason == "met"
    assert current(case, "meet") == []


def test_an_approved_extension_clears_a_red_card_whose_due_date_moved(register, caseworker, unit_officer, county):
    case = assigned(register, caseworker, county.housing, "2026-11-16")  # close21 due 7 December
    sweep_on("2026-12-08")
    assert current(case, "close21") == [("close21", "red")]
    with time_machine.travel(at("2026-12-08", 11), tick=False):
        extension = cs.extension_request(actor=unit_officer, case=case, days=30, reason="需要第三方鉴定")
        workflow.extension_decide(actor=caseworker, extension=extension, approve=True)
    sweep_on("2026-12-08", hour=12)

    assert current(case, "close21") == []
    assert Card.objects.get(case=case, deadline__milestone__code="close21", colour="red").clear_reason == "moved"


def test_a_second_red_tier_when_late_by_the_limit_again(register, caseworker, county_admin, county):
    with time_machine.travel(at("2026-11-16", 8), tick=False):  # the rule in force when the case comes in
        set_milestone(county_admin, county.region, "meet", {"second_red": True})
    case = assigned(register, caseworker, county.housing, "2026-11-16")  # due 19th; red2 after 3 more: 22nd → 23rd

    sweep_on("2026-11-23")
    assert current(case, "meet") == [("meet", "red")]
    sweep_on("2026-11-24")
    assert current(case, "meet") == [("meet", "red2")]


def test_an_unanswered_red_card_is_escalated_to_the_leader_one_level_up(register, caseworker, county):
    county_head = make_person("liu.head", county.government, ["leader"], name="刘县长", leader_level=3)
    case = assigned(register, caseworker, county.housing, "2026-11-16")  # due 19th, escalate after 3 working days

    sweep_on("2026-11-24")
    assert not Notification.objects.filter(user=county_head, kind="escalation").exists()
    sweep_on("2026-11-25")

    card = Card.objects.get(case=case, deadline__milestone__code="meet", colour="red")
    assert card.escalated_at is not None
    assert Notification.objects.filter(user=county_head, kind="escalation").count() == 1  # one notice a day


def test_the_card_names_the_responsible_unit_and_its_leader(register, caseworker, county):
    director = make_person("zhou.director", county.housing, ["leader"], name="周局长", leader_level=3)
    county.housing.leader = director
    county.housing.save()
    case = assigned(register, caseworker, county.housing, "2026-11-16")
    sweep_on("2026-11-20")

    card = Card.objects.get(case=case, deadline__milestone__code="meet", colour="red")
    assert (card.unit_id, card.leader_id) == (county.housing.pk, director.pk)


def test_the_sweep_catches_up_after_downtime(register, caseworker, county):
    case = assigned(register, caseworker, county.housing, "2026-11-16")

    sweep_on("2026-12-30")  # nothing ran for six weeks

    assert current(case) == [("close21", "red"), ("feedback", "red"), ("meet", "red")]


def test_a_suspended_clock_raises_no_card_and_its_card_is_cleared(register, caseworker, unit_officer, county):
    case = assigned(register, caseworker, county.housing, "2026-11-16")
    sweep_on("2026-11-18")
    with time_machine.travel(at("2026-11-18", 11), tick=False):
        suspension = ds.suspension_request(actor=unit_officer, case=case, reason="等待信访人补充材料")
        ds.suspension_decide(actor=caseworker, suspension=suspension, approve=True)
    sweep_on("2026-11-25")

    assert current(case) == []
    assert Card.objects.get(case=case, colour="yellow", deadline__milestone__code="meet").clear_reason == "suspended"


# Concurrency and crashes (PostgreSQL) ---------------------------------------------------------------------

def overdue_cases(register, caseworker, county, n=6):
    return [assigned(register, caseworker, county.housing, "2026-11-16", summary=f"欠薪 {i}") for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_card_once(on_postgres, register, caseworker, unit_officer, county):
    cases = overdue_cases(register, caseworker, county)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            sweep_on("2026-11-25")
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    for case in cases:
        assert current(case) == [("feedback", "red"), ("meet", "red")]
    assert Notification.objects.filter(user=unit_officer).count() == Card.objects.filter(unit=county.housing).count()


def _wait_for_lock_waiter(timeout=30.0) -> bool:
    """Whether another backend waits for the notifications table (the sweep blocked mid-way). pg_locks is live,
    unlike pg_stat_activity, which is a snapshot within a transaction."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted "
                           "AND relation = 'deadlines_notification'::regclass")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.1)
    return False


def _wait_for_dead_backends(timeout=20.0) -> None:
    """The killed worker's database session ends once PostgreSQL notices its client is gone."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.1)
    raise AssertionError("the killed worker's session did not end")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_nothing_and_the_next_run_converges(on_postgres, redis_url, register,
                                                                           caseworker, unit_officer, county):
    cases = overdue_cases(register, caseworker, county, n=4)
    sweep_on("2026-11-18")  # raises yellow cards for the meetings due tomorrow
    with time_machine.travel(at("2026-11-18", 15), tick=False):
        workflow.case_meet(actor=unit_officer, case=cases[0], version=cases[0].version)  # met in time: no red for it

    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xinfang.settings.test",
           "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/"
                           f"{db['NAME']}",
           "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url}
    queue = f"sweep-test-{os.getpid()}"
    worker = subprocess.Popen(  # noqa: S603 — a real Celery worker, on its own queue
        [sys.executable, "-m", "celery", "-A", "xinfang", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # Hold the notifications table: the worker's sweep clears cards (committed), then blocks while raising
        # red cards and notifying their officers, inside one transaction.
        with connection.cursor() as blocker:
            blocker.execute("BEGIN")
            blocker.execute("LOCK TABLE deadlines_notification IN EXCLUSIVE MODE")
            from xinfang.celery import app

            app.conf.broker_url = redis_url
            app.send_task("deadlines.tasks.sweep_cards", queue=queue)
            # The sweep runs on the worker's clock (real today), which is later than every due date here.
            assert _wait_for_lock_waiter(), "the worker's sweep never reached the notifications step"
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            blocker.execute("ROLLBACK")
        _wait_for_dead_backends()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        from xinfang.celery import app

        app.conf.broker_url = settings.CELERY_BROKER_URL

    # What the killed sweep committed before it died: its first step, clearing the yellow cards that red overtook
    # (the worker runs on today's date, after every due date here); and no red card, no notification of one.
    yellows = Card.objects.filter(case__in=cases[1:], colour="yellow", deadline__milestone__code="meet")
    assert set(yellows.values_list("clear_reason", flat=True)) == {"escalated"}
    assert not Card.objects.filter(colour="red").exists()

    sweep_on("2026-11-25")  # the next run

    for case in cases[1:]:
        assert current(case) == [("feedback", "red"), ("meet", "red")]
    assert current(cases[0]) == [("feedback", "red")]
    cards = Card.objects.filter(unit=county.housing, cleared_at__isnull=True)
    assert Notification.objects.filter(user=unit_officer, card__in=cards).count() == cards.count()


def test_a_large_backlog_is_raised_over_several_runs_most_overdue_first(register, caseworker, county, settings):
    older = assigned(register, caseworker, county.housing, "2026-11-10", summary="先到期")
    newer = assigned(register, caseworker, county.housing, "2026-11-16", summary="后到期")
    settings.DEADLINE_SWEEP_MAX_CARDS = 2

    def reds(case):
        return [code for code, colour in current(case) if colour == "red"]

    sweep_on("2026-11-30")
    assert (reds(older), reds(newer)) == (["feedback", "meet"], [])
    sweep_on("2026-11-30", hour=11)
    assert reds(newer) == ["feedback", "meet"]
