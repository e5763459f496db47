"""The demo county: realistic, deterministic, and safe to seed twice."""

import pytest
from django.core.management import call_command

from xinfang.org.choices import RegionLevel, Role, UnitKind
from xinfang.org.models import Region, Unit, User

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_county_and_a_second_run_changes_nothing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo")
    counts = (Region.objects.count(), Unit.objects.count(), User.objects.count())
    names = list(User.objects.order_by("username").values_list("name", flat=True))

    call_command("seed_demo")

    assert (Region.objects.count(), Unit.objects.count(), User.objects.count()) == counts
    assert list(User.objects.order_by("username").values_list("name", flat=True)) == names
    county = Region.objects.get(code="340822000000")
    assert county.name == "怀宁县" and county.level == RegionLevel.COUNTY
    assert Region.objects.filter(level=RegionLevel.TOWNSHIP, parent=county).count() == 15
    assert 180 <= Region.objects.filter(level=RegionLevel.VILLAGE, path__startswith=county.path).count() <= 230
    assert Unit.objects.filter(region=county).count() == 30
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == 15
    for role in Role.values:
        assert User.objects.filter(groups__name=role).exists(), role
