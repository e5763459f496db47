"""The cases' fixtures: a county's categories and a registered letter."""

from tests.cases.conftest import case, categories, other_categories, register  # noqa: F401 - fixtures
