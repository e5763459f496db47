"""Deadline fixtures: the case fixtures of tests/cases, and helpers to walk a case and move the clock."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.cases.conftest import case, categories, other_categories, register  # noqa: F401 — shared fixtures

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    """A moment on a local date: at('2026-02-12')."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)
