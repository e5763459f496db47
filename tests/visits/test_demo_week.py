"""The demo county is alive in the week it is seeded, and in the week it is started again days later: the reception
schedule shows the week's sessions, those already held with the petitioners received at them, those to come open
for booking with petitioners booked; the field-visit list shows the last days' visits and night visits. Seeding
twice on one day changes nothing; seeding days later adds the new days and duplicates nothing."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from visits.models import Appointment, FieldVisit, Reception, ReceptionSlot
from xinfang.org.models import User

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
THURSDAY = datetime(2026, 12, 10, 16, 0, tzinfo=SHANGHAI)  # the county head's 14:30 session has begun
NEXT_TUESDAY = datetime(2026, 12, 15, 15, 0, tzinfo=SHANGHAI)


def counts():
    return tuple(model.objects.count() for model in (ReceptionSlot, Reception, Appointment, FieldVisit))


def week_of(page: str) -> str:
    match = re.search(r'<div class="sched-grid week" data-testid="week">.*?<p class="text-muted small mt-2">', page,
                      re.S)
    assert match, "no week grid"
    return match.group(0)


def cell(page: str, day: str) -> str:
    match = re.search(rf'<section[^>]*data-day="{day}".*?</section>', page, re.S)
    assert match, f"no cell for {day}"
    return match.group(0)


def slot_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-slot="(\d+)"', html)]


def seed():
    call_command("seed_demo", "--cases", "1200", verbosity=0)


class Clerk:
    """The county's caseworker on the test client, signed in afresh on each request (a session lasts eight hours,
    and the tests travel days)."""

    def __init__(self, client):
        self.client = client

    def get(self, url):
        self.client.force_login(User.objects.get(username="caseworker"),
                                backend="django.contrib.auth.backends.ModelBackend")
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response


@pytest.fixture
def clerk(settings, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(THURSDAY, tick=False):
        seed()
    return Clerk(client)


def test_the_schedule_of_the_seeded_week_shows_sessions_held_and_to_come(clerk):
    with time_machine.travel(THURSDAY, tick=False):
        page = clerk.get("/visits/").content.decode()
        week = week_of(page)
        assert "无接访安排" not in cell(page, "2026-12-07")  # Monday
        for day in ("2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"):
            assert slot_ids(cell(page, day)), day
        assert "县长开门接访" in cell(page, "2026-12-10") and "县委书记接访日" in cell(page, "2026-12-07")

        held = [clerk.get(f"/visits/slots/{pk}/").content.decode() for pk in slot_ids(cell(page, "2026-12-08"))]
        assert any("本时段接访记录" in detail and "/visits/receptions/" in detail for detail in held)

        coming = [clerk.get(f"/visits/slots/{pk}/").content.decode() for pk in slot_ids(cell(page, "2026-12-11"))]
        assert all('data-testid="booking-form"' in detail for detail in coming)  # open for booking
        booked = re.findall(r"已约 (\d+)/\d+", week_of(clerk.get("/visits/?day=2026-12-16").content.decode()))
        assert sum(map(int, booked)) >= 3  # petitioners booked into next week's sessions

    assert week.count("data-slot=") >= 8  # Monday to Friday: the county's, the townships' and the joint sessions


def test_the_field_visits_of_the_last_days_include_night_visits(clerk):
    with time_machine.travel(THURSDAY, tick=False):
        page = clerk.get("/visits/field/").content.decode()

    for day in ("2026-12-07", "2026-12-08", "2026-12-09"):
        assert re.search(rf">{day} (1[89]|2\d):\d\d</a>\s*<span[^>]*data-testid=\"night\"", page), day  # 夜访


def test_seeding_again_the_same_day_changes_nothing(clerk):
    with time_machine.travel(THURSDAY, tick=False):
        before, page = counts(), week_of(clerk.get("/visits/").content.decode())
        seed()

        assert counts() == before
        assert week_of(clerk.get("/visits/").content.decode()) == page


def test_started_days_later_the_demo_shows_its_own_week_and_duplicates_nothing(clerk):
    with time_machine.travel(THURSDAY, tick=False):
        last_week = week_of(clerk.get("/visits/").content.decode())
    held_then = dict(Reception.objects.filter(slot__isnull=False).values_list("pk", "slot_id"))

    with time_machine.travel(NEXT_TUESDAY, tick=False):
        seed()
        after = counts()
        seed()
        assert counts() == after

        page = clerk.get("/visits/").content.decode()
        assert slot_ids(cell(page, "2026-12-14")) and slot_ids(cell(page, "2026-12-17"))
        monday = [clerk.get(f"/visits/slots/{pk}/").content.decode() for pk in slot_ids(cell(page, "2026-12-14"))]
        assert any("/visits/receptions/" in detail for detail in monday)  # held, with receptions
        assert re.search(r"已约 [1-9]\d*/\d+", week_of(clerk.get("/visits/?day=2026-12-21").content.decode()))
        assert week_of(clerk.get("/visits/?day=2026-12-10").content.decode()).count("data-slot=") == \
            last_week.count("data-slot=")  # last week's sessions: none added twice
        assert FieldVisit.objects.filter(visited_at__date="2026-12-14").exists()

    again = dict(Reception.objects.filter(pk__in=held_then).values_list("pk", "slot_id"))
    assert again == held_then
