"""The 12345 / 上级交办 hand-off, with a test server playing the platform: it pushes a case with its own id, batch,
due date and files — again and again, as platforms retry — and the county registers it once; as the case is accepted,
assigned and answered, the platform's callback receives each step in the shape it asks for, through the outbox."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

import workflow.cases as workflow
from cases.models import Attachment, Case
from tests.factories import make_person
from xinfang.exchange import services
from xinfang.org.services import api_client_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHAPE = {"fields": {"orderId": "data.case.external_id", "state": "type", "replyContent": "data.case.reply",
                    "handledAt": "occurred_at"},
         "codes": {"state": {"case.accepted": "20", "case.assigned": "25", "case.replied": "30"}},
         "fixed": {"platform": "AQ12345"}}


def platform(system_admin, county, endpoints=("handoffs",), unit=None):
    issued = api_client_create(actor=system_admin, name="安庆12345", unit=unit or county.bureau, roles=["caseworker"],
                               expires_at=timezone.now() + timedelta(days=30), scope="write",
                               endpoints=list(endpoints))
    api = APIClient(REMOTE_ADDR="172.20.0.8")
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    return api


def order(county, categories, category="wages", **overrides):
    return {"external_system": "12345", "external_id": "AQ20261207-0042", "upper_batch": "2026-第48批",
            "upper_due_on": (timezone.localdate() + timedelta(days=15)).isoformat(),
            "received_at": timezone.now().isoformat(), "petitioner": {"name": "王建国", "phone": "13905561234"},
            "category": categories[category].pk, "summary": "拖欠工资三个月", "region": county.villages[0].code,
            "attachments": [{"filename": "工单.pdf", "content_base64": base64.b64encode(PDF).decode()}],
            **overrides}


def test_the_platform_hands_a_case_over_once_however_often_it_sends_it(system_admin, county, categories):
    api = platform(system_admin, county)

    first = api.post("/api/v1/handoffs/", order(county, categories), format="json")
    again = api.post("/api/v1/handoffs/", order(county, categories), format="json")

    assert (first.status_code, again.status_code) == (201, 200), first.json()
    assert first.json()["number"] == again.json()["number"] and Case.objects.count() == 1
    case = Case.objects.get()
    assert (case.channel, case.upper_batch, case.external_id) == ("hotline", "2026-第48批", "AQ20261207-0042")
    assert case.upper_due_on == timezone.localdate() + timedelta(days=15)
    assert Attachment.objects.filter(case=case).count() == 1


def test_bad_hand_offs_are_refused_by_field_and_save_nothing(system_admin, county, categories):
    api = platform(system_admin, county)
    exe = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 200).decode()

    program = api.post("/api/v1/handoffs/", order(county, categories, attachments=[
        {"filename": "a.pdf", "content_base64": exe}]), format="json")
    garbled = api.post("/api/v1/handoffs/", order(county, categories, attachments=[
        {"filename": "a.pdf", "content_base64": "not base64!"}]), format="json")
    late = api.post("/api/v1/handoffs/", order(county, categories, upper_due_on="1999-01-01"), format="json")
    no_id = api.post("/api/v1/handoffs/", order(county, categories, external_id=""), format="json")

    assert program.status_code == 400 and program.json()["code"] == "file_type_not_allowed"
    assert garbled.status_code == 400 and "content_base64" in str(garbled.json()["detail"])
    assert late.status_code == 400 and "upper_due_on" in late.json()["detail"]
    assert no_id.status_code == 400 and "external_id" in no_id.json()["detail"]
    assert not Case.objects.exists()


def test_another_countys_id_is_never_answered_with_its_case(system_admin, county, categories, other_county,
                                                            other_categories):
    other_admin = make_person("other.sys", other_county.bureau, ["system_admin"])
    theirs = platform(other_admin, other_county).post(
        "/api/v1/handoffs/", order(other_county, other_categories, category="land"), format="json")
    ours = platform(system_admin, county)

    probe = ours.post("/api/v1/handoffs/", order(county, categories, region=other_county.villages[0].code),
                      format="json")
    own = ours.post("/api/v1/handoffs/", order(county, categories), format="json")

    assert theirs.status_code == 201 and probe.status_code == 400
    assert theirs.json()["number"] not in probe.content.decode()
    assert own.status_code == 201 and own.json()["number"] != theirs.json()["number"]


def test_each_step_goes_back_to_the_platform_in_its_own_shape(client_as, system_admin, caseworker, county,
                                                              categories, receiver):
    services.subscriber_create(actor=system_admin, county=county.region, name="12345回传", url=receiver.url,
                               events=["case.accepted", "case.assigned", "case.replied", "case.registered"],
                               source_system="12345", shape=SHAPE)
    number = platform(system_admin, county).post("/api/v1/handoffs/", order(county, categories),
                                                 format="json").json()["number"]
    walk_in = case_from_the_counter(caseworker, county, categories)
    case = Case.objects.get(number=number)
    case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
    case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    services.deliveries_run()

    bodies = receiver.bodies()
    assert [b["state"] for b in bodies] == ["case.registered", "20", "25"]
    assert {b["orderId"] for b in bodies} == {"AQ20261207-0042"} and bodies[0]["platform"] == "AQ12345"
    assert walk_in.number not in str(bodies)  # a case the platform did not hand over is not its business


def case_from_the_counter(caseworker, county, categories):
    from cases.services import CaseInput, PetitionerInput

    return workflow.case_register(actor=caseworker, data=CaseInput(
        channel="visit", received_at=timezone.now(), petitioner=PetitionerInput(name="李四"),
        category=categories["wages"], summary="来访", region=county.villages[0]))


def test_an_id_the_county_has_for_another_township_is_a_conflict_not_a_leak(system_admin, county, categories):
    county_wide = platform(system_admin, county)
    first = county_wide.post("/api/v1/handoffs/", order(county, categories, region=county.villages[2].code),
                             format="json")  # a village of the second township
    township_admin = make_person("town.sys", county.township_government, ["system_admin"])
    township = platform(township_admin, county, unit=county.township_government)

    again = township.post("/api/v1/handoffs/", order(county, categories), format="json")  # the first township

    assert first.status_code == 201
    assert (again.status_code, again.json().get("code")) == (409, "duplicate_external_id"), again.json()
    assert first.json()["number"] not in again.content.decode()
