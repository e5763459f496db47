"""Audit rows cannot be changed through the product: the admin refuses, and no page or endpoint writes them."""

import pytest

from cases.models import TimelineEvent

pytestmark = pytest.mark.django_db


def test_even_a_superuser_cannot_edit_or_delete_timeline_events_in_the_admin(case, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    event = TimelineEvent.objects.get(case=case, kind="register")

    change = client.post(f"/admin/cases/timelineevent/{event.pk}/change/", {"message": "改写"})
    delete = client.post(f"/admin/cases/timelineevent/{event.pk}/delete/", {"post": "yes"})

    assert change.status_code in (403, 302) or "改写" not in TimelineEvent.objects.get(pk=event.pk).message
    assert delete.status_code == 403
    assert TimelineEvent.objects.get(pk=event.pk).message.startswith("登记为来信")


def test_the_api_offers_no_way_to_write_the_timeline(api_as, caseworker, case):
    response = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/timeline/", {"message": "x"}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
