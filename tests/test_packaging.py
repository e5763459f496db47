"""What gets installed: every app is in the package, the locked versions cover what pyproject.toml asks for, and the
demo data generator's Faker stays out of a county's runtime install."""

import re
import tomllib
from pathlib import Path

from django.conf import settings
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings (or lock lines), normalised."""
    return {re.split(r"[\s\[<>=!~;#]", r.strip(), maxsplit=1)[0].lower().replace("_", "-")
            for r in requirements if r.strip() and not r.lstrip().startswith("#")}


def lock(name: str) -> set[str]:
    return names((ROOT / "requirements" / f"{name}.txt").read_text().splitlines())


def test_every_app_of_the_project_is_in_the_package():
    find = PROJECT["tool"]["setuptools"]["packages"]["find"]
    packaged = set(find_packages(str(ROOT), include=find["include"]))
    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.replace(".", "/")).is_dir()}
    assert ours <= packaged
    assert {"dashboards", "workflow", "xinfang.org", "xinfang.workdays"} <= packaged
    assert not any(p.startswith("tests") for p in packaged)


def test_the_locks_pin_what_pyproject_asks_for():
    runtime = names(PROJECT["project"]["dependencies"])
    extras = PROJECT["project"]["optional-dependencies"]
    assert runtime <= lock("runtime") and runtime <= lock("demo") and runtime <= lock("dev")
    assert names(extras["demo"]) <= lock("demo") and names(extras["demo"]) <= lock("dev")
    assert names(extras["dev"]) - {"xinfang"} <= lock("dev")
    for line in (ROOT / "requirements" / "dev.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.match(r"^[A-Za-z0-9._-]+==\S+", line), line  # exact versions, nothing open


def test_faker_is_for_demo_data_only_and_factory_boy_is_gone():
    assert "faker" not in names(PROJECT["project"]["dependencies"]) and "faker" not in lock("runtime")
    assert "faker" in lock("demo")
    everything = lock("dev") | names(PROJECT["project"]["dependencies"])
    assert "factory-boy" not in everything
