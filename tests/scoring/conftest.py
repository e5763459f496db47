"""Scoring fixtures: the county's case fixtures."""

from tests.cases.conftest import case, categories, other_categories, register  # noqa: F401 — shared fixtures
