"""The demo county: realistic, deterministic, and safe to seed twice."""

import pytest
from django.core.management import call_command

from cases.choices import CaseStatus
from cases.models import Case
from xinfang.org.choices import RegionLevel, Role, UnitKind
from xinfang.org.models import Region, Unit, User

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_county_and_a_second_run_changes_nothing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo")
    counts = (Region.objects.count(), Unit.objects.count(), User.objects.count(), Case.objects.count())
    names = list(User.objects.order_by("username").values_list("name", flat=True))

    call_command("seed_demo")

    assert (Region.objects.count(), Unit.objects.count(), User.objects.count(), Case.objects.count()) == counts
    assert list(User.objects.order_by("username").values_list("name", flat=True)) == names
    county = Region.objects.get(code="340822000000")
    assert county.name == "怀宁县" and county.level == RegionLevel.COUNTY
    assert Region.objects.filter(level=RegionLevel.TOWNSHIP, parent=county).count() == 15
    assert 180 <= Region.objects.filter(level=RegionLevel.VILLAGE, path__startswith=county.path).count() <= 230
    assert Unit.objects.filter(region=county).count() == 30
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == 15
    for role in Role.values:
        assert User.objects.filter(groups__name=role).exists(), role
    assert counts[3] == 3000
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)  # every state
    numbers = list(Case.objects.order_by("received_at", "id").values_list("number", flat=True))
    assert numbers == sorted(numbers, key=lambda n: (n[7:11], n))  # numbers follow receipt within a year


def test_the_demo_county_has_running_clocks_and_red_and_yellow_cards(settings):
    from deadlines.models import Card, Deadline

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--cases", "400")

    open_cases = Case.objects.filter(status__in=["assigned", "handling"])
    assert Deadline.objects.filter(case__in=open_cases, met_at__isnull=True, stopped_at__isnull=True).exists()
    assert Case.objects.filter(due_on__isnull=False).count() > 0
    assert Card.objects.filter(cleared_at__isnull=True, colour="red").exists()  # the sweep ran
    assert User.objects.get(username="caseworker").check_password("xinfang-demo")
