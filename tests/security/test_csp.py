"""The Content-Security-Policy allows scripts only from our static files (``script-src 'self'``), so a template may
carry no inline script and no on…= handler: the browser would refuse to run them and the page would silently stop
working. static/js/app.js gives the pages their small behaviours (data-print, data-confirm, …) instead."""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse

# An inline handler attribute: onclick=, onsubmit=, … and htmx's hx-on (its code is eval'd, refused as well). The
# name may follow a template tag the parser glued on (``{% if x %}onclick=``); data-onclick is not a handler.
HANDLER = re.compile(r"(?:^|[^\w-])(?:on[a-z]+|hx-on(?:[:-].*)?)$")
URL_ATTRIBUTES = ("href", "action", "formaction", "src")  # where a javascript: URL would run code


class InlineScriptFinder(HTMLParser):
    """Collects (line, what) for every inline script, handler attribute and javascript: URL of one template."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.offences = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = dict(attrs)
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.offences.append((line, "inline <script>"))
        for name, value in attrs:
            if HANDLER.search(name):
                self.offences.append((line, f"handler attribute {name}="))
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.offences.append((line, f"javascript: URL in {name}="))


def our_template_dirs() -> list[Path]:
    """templates/ and every app's templates/ folder in this repository (not those of installed packages)."""
    root = Path(settings.BASE_DIR).resolve()
    packages = Path(sys.prefix).resolve()
    dirs = [Path(d).resolve() for d in engines["django"].template_dirs]
    return [d for d in dirs if d.is_dir() and d.is_relative_to(root) and not d.is_relative_to(packages)]


def test_the_project_and_app_template_folders_are_all_checked():
    root = Path(settings.BASE_DIR).resolve()
    dirs = our_template_dirs()

    assert root / "templates" in dirs
    assert any(d != root / "templates" for d in dirs), "no app's own templates/ folder was found"


def test_no_template_carries_an_inline_script_or_an_inline_event_handler():
    offences = []
    templates = [path for folder in our_template_dirs() for path in sorted(folder.rglob("*.html"))]
    for path in templates:
        finder = InlineScriptFinder()
        finder.feed(path.read_text(encoding="utf-8"))
        finder.close()
        rel = path.relative_to(Path(settings.BASE_DIR).resolve())
        offences += [f"{rel}:{line}: {what}" for line, what in finder.offences]

    assert len(templates) > 50  # the walk really read the templates
    assert not offences, "the CSP refuses these (use static/js/app.js and a data- attribute):\n" + "\n".join(offences)


def directives(header: str) -> dict[str, list[str]]:
    """``"default-src 'self'; script-src 'self'"`` → ``{"default-src": ["'self'"], "script-src": ["'self'"]}``."""
    parsed = {}
    for part in header.split(";"):
        if part.strip():
            name, *sources = part.split()
            parsed[name] = sources
    return parsed


@pytest.mark.parametrize("url", [reverse("home"), "/cases/"])
def test_a_signed_in_page_allows_scripts_only_from_our_own_origin(client_as, caseworker, county, url):
    response = client_as(caseworker).get(url)

    assert response.status_code == 200
    script_src = directives(response.headers["Content-Security-Policy"])["script-src"]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
