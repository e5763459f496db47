"""Shared test setup: the county to act in, the people who act, and the rules about real services.

In CI (``CI`` set) the suite must run on PostgreSQL, and a test that needs Redis or the browser fails
instead of skipping when they are missing: a skipped check is no check.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.factories import CountyFactory, make_person

IN_CI = bool(os.environ.get("CI"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_configure(config):
    if IN_CI and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("CI must run the suite on PostgreSQL: set DATABASE_URL.")


@pytest.fixture(autouse=True)
def chinese_first():
    """Every test starts in the site's language. A page asked for in English leaves English active in the test's
    thread (the locale middleware activates per request and never resets), and a later test in the same worker that
    writes timeline messages without a request would write them in English."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def missing(reason: str):
    """Skip on a developer's machine; fail in CI."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "localhost", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url or not _reachable(url):
        missing("Redis (set REDIS_URL)")
    return url


@pytest.fixture
def on_postgres():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing("PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def chromium_path():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing(f"Chromium at {CHROMIUM}")
    return CHROMIUM


# The county and its people -------------------------------------------------------------------------------

@pytest.fixture
def county(db):
    """County A (安徽省 → 安庆市 → 怀宁县) with two townships, villages and departments."""
    return CountyFactory(province=("340000000000", "安徽省"), city=("340800000000", "安庆市"),
                         county=("340822000000", "怀宁县"))


@pytest.fixture
def other_county(db, county):
    """County B in the same province and city (望江县): its objects are outside county A's jurisdiction."""
    return CountyFactory(province=("340000000000", "安徽省"), city=("340800000000", "安庆市"),
                         county=("340827000000", "望江县"))


@pytest.fixture
def caseworker(county):
    return make_person("zhang.caseworker", county.bureau, ["caseworker"], name="张信访")


@pytest.fixture
def unit_officer(county):
    return make_person("li.officer", county.housing, ["unit_officer"], name="李承办")


@pytest.fixture
def leader(county):
    return make_person("wang.leader", county.government, ["leader"], name="王县长", leader_level=3)


@pytest.fixture
def county_admin(county):
    return make_person("zhao.admin", county.bureau, ["county_admin"], name="赵管理")


@pytest.fixture
def system_admin(county):
    """三员分立: the county's system administrator (units, users, API clients)."""
    return make_person("sun.sysadmin", county.bureau, ["system_admin"], name="孙系统")


@pytest.fixture
def security_admin(county):
    return make_person("qian.secadmin", county.bureau, ["security_admin"], name="钱安全")


@pytest.fixture
def audit_admin(county):
    return make_person("zhou.auditadmin", county.bureau, ["audit_admin"], name="周审计")


@pytest.fixture
def other_caseworker(other_county):
    """A caseworker of county B."""
    return make_person("chen.other", other_county.bureau, ["caseworker"], name="陈外县")


@pytest.fixture
def client_as(client):
    """Log a person in on the Django test client: ``client_as(caseworker)``."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        second_factor_given(client, user)
        return client

    return login


def second_factor_given(client, user) -> None:
    """A person the county asks for two factors is signed in as after giving one (an authenticator bound and its
    code accepted); the two-factor tests themselves go through the pages."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from xinfang.accounts.services import TWO_FACTOR

    session = client.session
    if session.get(TWO_FACTOR):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def api_as():
    """An API client logged in as a person (session auth)."""
    from rest_framework.test import APIClient

    def login(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return login
