"""What several of the visits services share: the county a region belongs to, the county's visit settings in force
on a day (visits/rules.py) and whether a visit begun at an hour is a night visit. It writes nothing."""

from datetime import date, datetime

from django.utils import timezone

from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region
from xinfang.rules.selectors import Rules, rules_for

from ..rules import VISIT_RULES


def _county_of(region: Region) -> Region:
    """The county a region belongs to, or the region itself above county level (a city leader's schedule)."""
    return region.ancestor_at(RegionLevel.COUNTY) or region


def visit_settings_for(region: Region, on: date | None = None) -> Rules:
    """The county's visit settings in force on ``on`` (today): visits/rules.py. Above county level: the defaults."""
    return rules_for(region, VISIT_RULES.key, on)


def is_night(at: datetime, rules: Rules) -> bool:
    """A visit begun at or after the night hour, or before the morning hour, is a night visit (夜访)."""
    hour = timezone.localtime(at).hour
    return hour >= rules.night_from_hour or hour < rules.night_until_hour
