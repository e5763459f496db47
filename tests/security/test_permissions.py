"""The API refuses by default: a person without the page's permission gets a 403 from its API too, and every write
of every API view names the permission it needs (or that its service decides)."""

import pytest
from django.test import RequestFactory
from django.urls import get_resolver
from rest_framework.views import APIView

from tests.factories import make_person
from xinfang.api.permissions import ActionPermission, required_permission

pytestmark = pytest.mark.django_db


@pytest.fixture
def nobody(county):
    """A signed-in account of the county that holds no role."""
    return make_person("no.role", county.bureau, [])


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/cards/", "/api/v1/regions/", "/api/v1/units/",
                                  "/api/v1/users/", "/api/v1/rule-sets/", "/api/v1/supervisions/",
                                  "/api/v1/suspensions/", "/api/v1/overdue-board/", "/api/v1/dashboard/",
                                  "/api/v1/visit-stats/", "/api/v1/duty-compliance/", "/api/v1/calendar-days/"])
def test_an_account_without_a_role_reads_nothing(api_as, nobody, path):
    response = api_as(nobody).get(path)

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_an_account_without_a_role_still_reads_who_it_is_and_its_own_notifications(api_as, nobody):
    assert api_as(nobody).get("/api/v1/me/").status_code == 200
    assert api_as(nobody).get("/api/v1/notifications/").status_code == 200


def test_the_case_list_asks_the_api_what_the_page_asks(api_as, caseworker, county, client_as):
    assert api_as(caseworker).get("/api/v1/cases/").status_code == 200
    assert client_as(caseworker).get("/cases/").status_code == 200


def _api_views():
    """(view class, {action: method}) of every API address."""
    found = []

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
                continue
            cls = getattr(p.callback, "cls", None)
            if cls is not None and issubclass(cls, APIView):
                actions = getattr(p.callback, "actions", None) or {
                    m: m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)}
                found.append((cls, actions))
    walk(get_resolver().url_patterns)
    return found


def test_every_write_of_every_api_view_names_its_permission():
    factory = RequestFactory()
    undeclared, checked = [], 0
    for cls, actions in _api_views():
        if ActionPermission not in [*getattr(cls, "permission_classes", [])]:
            continue  # a view that says otherwise (its own permission classes)
        for method, action in actions.items():
            if method in ("get", "head", "options"):
                continue
            view = cls()
            view.action = action
            checked += 1
            if required_permission(view, getattr(factory, method)("/")) is None:
                undeclared.append(f"{cls.__module__}.{cls.__name__}.{action}")
    assert checked > 50 and undeclared == []
