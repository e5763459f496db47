"""A county admin issues a token to another system, which then reads only its unit's jurisdiction."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from xinfang.org.models import ApiClient, AuditEvent

pytestmark = pytest.mark.django_db


def create_client_through_the_page(client, unit, name="12345热线平台", roles=("caseworker",)):
    return client.post("/org/api-clients/new/", {"name": name, "unit": unit.pk, "roles": list(roles), "days": 30,
                                                 "scope": "write"})


def token_client(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_the_admin_sees_the_token_once_and_the_client_reads_its_jurisdiction(client_as, system_admin, county,
                                                                              other_county):
    response = create_client_through_the_page(client_as(system_admin), county.bureau)

    assert response.status_code == 200
    token = response.context["token"]
    assert token in response.content.decode()
    stored = ApiClient.objects.get(name="12345热线平台")
    assert stored.token_hash != token and token.startswith(stored.token_prefix)

    units = token_client(token).get("/api/v1/units/?page_size=200").json()["results"]
    names = {u["name"] for u in units}
    assert county.housing.name in names and other_county.housing.name not in names
    assert token not in client_as(system_admin).get("/org/api-clients/").content.decode()


def test_using_a_token_records_its_last_use(client_as, system_admin, county):
    token = create_client_through_the_page(client_as(system_admin), county.bureau).context["token"]

    token_client(token).get("/api/v1/me/")

    assert ApiClient.objects.get().last_used_at is not None


def test_a_revoked_client_is_refused_at_once(client_as, system_admin, county):
    admin = client_as(system_admin)
    token = create_client_through_the_page(admin, county.bureau).context["token"]
    stored = ApiClient.objects.get()

    admin.post(f"/org/api-clients/{stored.pk}/revoke/")
    response = token_client(token).get("/api/v1/me/")

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"
    assert ApiClient.objects.get().revoked_by == system_admin
    # What changed, each after the service's own row the request that asked for it with its result (the admin's
    # sign-in is in the trail too, as every login is).
    assert list(AuditEvent.objects.exclude(action__startswith="auth.").values_list("action", "changes__status")
                .order_by("id")) == [("api_client.create", None), ("web.org:api_client_create", 200),
                                     ("api_client.revoke", None), ("web.org:api_client_revoke", 302)]


def test_revoking_twice_is_refused_with_a_message(client_as, system_admin, county):
    admin = client_as(system_admin)
    create_client_through_the_page(admin, county.bureau)
    stored = ApiClient.objects.get()
    admin.post(f"/org/api-clients/{stored.pk}/revoke/")
    first_revoked_at = ApiClient.objects.get().revoked_at

    response = admin.post(f"/org/api-clients/{stored.pk}/revoke/", follow=True)

    assert "该接口客户端已被吊销" in response.content.decode()
    assert ApiClient.objects.get().revoked_at == first_revoked_at


def test_an_unknown_token_gets_401_in_the_error_shape(county):
    response = token_client("not-a-token").get("/api/v1/me/")

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"


def test_an_admin_cannot_bind_a_client_to_another_countys_unit(client_as, system_admin, other_county):
    response = create_client_through_the_page(client_as(system_admin), other_county.bureau)

    assert response.status_code == 400
    assert "请选择本辖区内的单位" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_a_client_without_a_name_or_role_is_refused_and_nothing_is_saved(client_as, system_admin, county):
    response = client_as(system_admin).post("/org/api-clients/new/", {"name": "", "unit": county.bureau.pk})

    assert response.status_code == 400
    assert "请填写此项" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_a_duplicate_name_in_the_same_unit_is_refused(client_as, system_admin, county):
    admin = client_as(system_admin)
    create_client_through_the_page(admin, county.bureau)

    response = create_client_through_the_page(admin, county.bureau)

    assert response.status_code == 400
    assert "本单位已有同名的接口客户端" in response.content.decode()
    assert ApiClient.objects.count() == 1


def test_a_caseworker_may_not_open_the_api_client_page(client_as, caseworker):
    assert client_as(caseworker).get("/org/api-clients/").status_code == 403


def test_an_admin_does_not_see_another_countys_clients(client_as, system_admin, other_county):
    from tests.factories import make_person

    other_admin = make_person("other.admin", other_county.bureau, ["system_admin"])
    create_client_through_the_page(client_as(other_admin), other_county.bureau, name="望江县BI")

    page = client_as(system_admin).get("/org/api-clients/")
    revoke = client_as(system_admin).post(f"/org/api-clients/{ApiClient.objects.get().pk}/revoke/")

    assert "望江县BI" not in page.content.decode()
    assert revoke.status_code == 404
    assert ApiClient.objects.get().revoked_at is None


def test_last_use_is_written_at_most_once_a_minute(system_admin, county, django_assert_num_queries):
    from xinfang.org.services import api_client_create, api_client_touch

    issued = api_client_create(actor=system_admin, name="BI", unit=county.bureau, roles=["auditor"])
    now = timezone.now()
    api_client_touch(client=issued.client, now=now)
    api_client_touch(client=issued.client, now=now + timezone.timedelta(seconds=30))

    assert ApiClient.objects.get().last_used_at == now
