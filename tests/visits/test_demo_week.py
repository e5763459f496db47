"""The demo county is alive in the week it is seeded: the reception schedule shows this week's sessions, those
already held with the petitioners received at them, and the sessions to come with petitioners booked."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from visits.models import Appointment, Reception, ReceptionSlot
from xinfang.org.models import User

pytestmark = pytest.mark.django_db

THURSDAY = datetime(2026, 12, 10, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_demo_week_has_sessions_held_and_to_come(settings, client_as):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(THURSDAY, tick=True):
        call_command("seed_demo", "--cases", "400")
        counts = (ReceptionSlot.objects.count(), Reception.objects.count(), Appointment.objects.count())
        call_command("seed_demo", "--cases", "400")
        assert (ReceptionSlot.objects.count(), Reception.objects.count(), Appointment.objects.count()) == counts

        monday = THURSDAY - timedelta(days=3, hours=16)
        this_week = ReceptionSlot.objects.filter(starts_at__gte=monday, starts_at__lt=monday + timedelta(days=7))
        held = Reception.objects.filter(slot__in=this_week)
        booked = Appointment.objects.filter(status="booked", slot__starts_at__gt=timezone.now())
        page = client_as(User.objects.get(username="caseworker")).get("/visits/").content.decode()

    assert this_week.filter(starts_at__lt=THURSDAY).exists() and this_week.filter(starts_at__gt=THURSDAY).exists()
    assert held.exists()  # sessions of Monday to Thursday were held, with receptions recorded at them
    assert booked.count() >= 3  # petitioners booked into the coming sessions (more with the full 3,000 cases)
    assert "县长开门接访" in page  # Thursday 14:30, today, begun
    for slot in this_week.exclude(region__level__gt=3)[:5]:
        assert slot.title in page
