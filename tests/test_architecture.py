"""The house flows one way (docs/architecture.md). import-linter checks the imports against the layers written in
pyproject.toml (`make test` runs it first); these tests keep that list honest: every module of the project sits in
exactly one layer, no layer names a module that is gone, and no import hides inside a function without saying why."""

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]


def contract(contract_id: str) -> dict:
    return next(c for c in CONFIG["contracts"] if c["id"] == contract_id)


def layers() -> list[list[str]]:
    """Each layer's modules, top layer first (siblings are separated by ':' or '|')."""
    return [[m.strip() for m in layer.replace("|", ":").split(":") if m.strip()]
            for layer in contract("layers")["layers"]]


def project_modules() -> list[str]:
    """Every module of the project's packages but the migrations and the packages' __init__ that import nothing
    (an app's package: what it holds are its modules)."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                if not any(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.parse(path.read_text()).body):
                    continue
                parts = parts[:-1]
            if parts == ("xinfang",):
                continue  # the project package's __init__ loads the Celery app (xinfang/celery.py, a foundation module)
            found.append(".".join(parts))
    return found


def owners(module: str, listed: list[list[str]]) -> list[int]:
    return [i for i, layer in enumerate(listed) for m in layer if module == m or module.startswith(m + ".")]


def test_every_module_of_the_project_sits_in_exactly_one_layer():
    listed = layers()
    unplaced = [m for m in project_modules() if not owners(m, listed)]
    doubled = [m for m in project_modules() if len(owners(m, listed)) > 1]
    assert unplaced == [], f"name these modules in a layer of [tool.importlinter] in pyproject.toml: {unplaced}"
    assert doubled == []


def test_the_layers_name_only_modules_that_exist():
    modules = project_modules()
    named = [m for layer in layers() for m in layer]
    assert named and [m for m in named if not any(x == m or x.startswith(m + ".") for x in modules)] == []


def test_the_domain_apps_sit_below_the_workflow_layer_and_the_interface_on_top():
    listed = layers()
    top = owners("cases.views", listed)[0]
    assert owners("xinfang.urls", listed) == [top] and owners("deadlines.tasks", listed) == [top]
    assert owners("workflow.cases", listed) == [top + 1]
    order = [owners(f"{app}.services", listed)[0] for app in ("dashboards", "scoring", "dossiers", "visits",
                                                                "deadlines", "cases", "xinfang.workdays",
                                                                "xinfang.org")]
    assert order == sorted(order) and len(set(order)) == len(order)
    assert owners("xinfang.errors", listed)[0] == len(listed) - 1


def test_everything_below_the_interface_is_kept_from_the_web():
    below = [m for layer in layers()[1:] for m in layer]
    assert sorted(contract("domain-knows-no-web")["source_modules"]) == sorted(below)


def _imports_inside_functions(path: Path):
    source = path.read_text()
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    before = lines[max(0, inner.lineno - 4):inner.lineno]
                    if not any("#" in line for line in before):
                        yield f"{path.relative_to(ROOT)}:{inner.lineno}: {lines[inner.lineno - 1].strip()}"


def test_no_import_hides_inside_a_function_without_a_comment_saying_why():
    hidden = [hit for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
              if "migrations" not in path.parts for hit in _imports_inside_functions(path)]
    assert hidden == []


@pytest.mark.parametrize("probe, message", [
    ("from visits import services", "cases.services is not allowed to import visits.services"),
])
def test_an_upward_import_breaks_the_contract(tmp_path, probe, message):
    """The contract is live: a copy of the project where the cases app imports an app above it fails lint-imports."""
    copy = tmp_path / "project"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "templates",
                                                                                      "static", "locale"))
    (copy / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    services = copy / "cases" / "services.py"
    services.write_text(services.read_text() + f"\n\ndef _probe():\n    {probe}  # an upward import\n")
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=copy, capture_output=True, text=True,  # noqa: S603
                            env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:]
    assert message in result.stdout
