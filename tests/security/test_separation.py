"""三员分立: the system administrator keeps accounts and API clients, the security administrator roles and the login
rules, the audit administrator the audit trail and nothing else — three accounts, never one. And API tokens have an
expiry, a scope and the resources they reach, each refusal with its own code."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_person
from xinfang.errors import NotPermitted, ValidationFailed
from xinfang.org.models import ApiClient, AuditEvent
from xinfang.org.services import api_client_create, user_roles_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("roles", [["system_admin", "security_admin"], ["security_admin", "audit_admin"],
                                   ["audit_admin", "caseworker"]])
def test_one_account_never_holds_two_of_the_three(county, roles):
    with pytest.raises(ValidationFailed) as refused:
        make_person("both", county.bureau, roles)

    assert refused.value.code == "separation_of_duties"


def test_the_security_administrator_gives_roles_on_a_page_and_the_rule_holds(client_as, security_admin, caseworker):
    page = client_as(security_admin)
    refused = page.post(f"/org/users/{caseworker.pk}/roles/", {"roles": ["audit_admin", "caseworker"]})
    saved = page.post(f"/org/users/{caseworker.pk}/roles/", {"roles": ["caseworker", "leader"]})

    assert refused.status_code == 400 and "三员分立" in refused.content.decode()
    assert saved.status_code == 302 and caseworker.groups.count() == 2
    event = AuditEvent.objects.get(action="user.roles")
    assert (event.changes["before"], event.changes["after"]) == (["caseworker"], ["caseworker", "leader"])


def test_roles_are_not_the_system_administrators_and_no_one_gives_themselves_roles(client_as, system_admin,
                                                                                   security_admin, caseworker):
    assert client_as(system_admin).get(f"/org/users/{caseworker.pk}/roles/").status_code == 403
    with pytest.raises(NotPermitted) as own:
        user_roles_set(actor=security_admin, user=security_admin, roles=["security_admin", "caseworker"])
    assert own.value.code == "own_roles"


def test_the_audit_administrator_reads_the_trail_and_nothing_else(client_as, audit_admin, county_admin):
    auditor = client_as(audit_admin)

    assert auditor.get("/org/audit/").status_code == 200
    assert auditor.get("/cases/").status_code == 403
    assert auditor.get("/settings/").status_code == 403
    assert client_as(county_admin).get("/org/audit/").status_code == 403  # the business admin does not read it


def test_another_countys_user_is_not_found_for_the_security_administrator(client_as, security_admin,
                                                                          other_caseworker):
    assert client_as(security_admin).get(f"/org/users/{other_caseworker.pk}/roles/").status_code == 404


# API tokens ---------------------------------------------------------------------------------------------

def issue(actor, county, **limits):
    issued = api_client_create(actor=actor, name=f"client-{ApiClient.objects.count()}", unit=county.bureau,
                               roles=["caseworker"], **limits)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    return api, issued.client


def test_an_expired_token_is_refused_with_its_code(system_admin, county):
    api, client = issue(system_admin, county, expires_at=timezone.now() + timedelta(days=1), scope="write")
    assert api.get("/api/v1/cases/").status_code == 200
    ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api.get("/api/v1/cases/")

    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


def test_a_read_only_token_reads_but_never_writes(system_admin, county):
    api, _client = issue(system_admin, county, expires_at=timezone.now() + timedelta(days=30), scope="read")

    assert api.get("/api/v1/cases/").status_code == 200
    response = api.post("/api/v1/cases/", {"channel": "letter"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")


def test_a_token_reaches_only_the_resources_it_was_given(system_admin, county):
    api, client = issue(system_admin, county, expires_at=timezone.now() + timedelta(days=30), endpoints=["cases"])

    assert api.get("/api/v1/cases/").status_code == 200
    response = api.get("/api/v1/units/")
    assert (response.status_code, response.json()["code"]) == (403, "token_endpoint_not_allowed")
    assert ApiClient.objects.get(pk=client.pk).last_used_at is not None


def test_the_page_holds_a_token_to_the_countys_longest_life(client_as, system_admin, security_admin, county):
    from xinfang.rules.services import rules_save

    rules_save(actor=security_admin, county=county.region, key="security", values={"api_token_max_days": 90},
               reason="测评整改")
    page = client_as(system_admin)
    form = {"name": "12345热线", "unit": county.bureau.pk, "roles": ["caseworker"], "scope": "read",
            "endpoints": ["cases", "petitioners"]}

    refused = page.post("/org/api-clients/new/", {**form, "days": 91})
    issued = page.post("/org/api-clients/new/", {**form, "days": 90})

    assert refused.status_code == 400 and "最长有效90天" in refused.content.decode()
    client = ApiClient.objects.get()
    assert issued.status_code == 200 and client.endpoints == ["cases", "petitioners"] and client.scope == "read"
    assert timedelta(days=89) < client.expires_at - timezone.now() <= timedelta(days=90)


def test_the_admin_shows_a_system_administrator_only_their_county_and_never_widens_a_token(client, system_admin,
                                                                                          other_caseworker,
                                                                                          other_county):
    from xinfang.org.models import User

    User.objects.filter(pk=system_admin.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=system_admin.pk), backend="django.contrib.auth.backends.ModelBackend")
    from tests.conftest import second_factor_given

    second_factor_given(client, system_admin)
    other_admin = make_person("other.sysadmin2", other_county.bureau, ["system_admin"])
    theirs = api_client_create(actor=other_admin, name="B", unit=other_county.bureau, roles=["caseworker"],
                               expires_at=timezone.now() + timedelta(days=5))

    assert client.get(f"/admin/org/user/{other_caseworker.pk}/change/").status_code in (302, 404)
    assert client.post(f"/admin/org/user/{other_caseworker.pk}/password/",
                       {"password1": "Given#Pass2026", "password2": "Given#Pass2026"}).status_code in (302, 404)
    assert not User.objects.get(pk=other_caseworker.pk).must_change_password
    client.post(f"/admin/org/apiclient/{theirs.client.pk}/change/", {"name": "B", "note": "", "scope": "write"})
    assert ApiClient.objects.get(pk=theirs.client.pk).scope == "read"
