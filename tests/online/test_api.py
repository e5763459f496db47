"""/api/v1/public/…: the same operations for a mini-program or the provincial portal, with the same challenge,
codes and limits, and machine-readable refusals."""

import io

from django.core import signing
from django.http import HttpResponse
from rest_framework.test import APIClient

from online.models import Submission
from workflow import case_accept, case_assign, case_meet, case_reply
from workflow.online import request_answer, submission_register

from .conftest import answer, filed, last_code, petition, replied


def answered(api, base) -> dict:
    challenge = api.post(base + "challenge/").json()
    return {"challenge_token": challenge["token"], "challenge": answer(challenge["question"])}


def test_a_mini_program_submits_looks_up_and_rates(county, categories, caseworker, unit_officer):
    api = APIClient()
    base = f"/api/v1/public/{county.region.code}/"
    data = petition(county, categories, promised=True)
    assert api.post(base + "codes/", {"phone": data["phone"], **answered(api, base)}, format="json").status_code == 202
    bad = api.post(base + "submissions/", {**data, "id_number": "340822199003157719", "code": last_code(),
                                           **answered(api, base)}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "id_number" in bad.json()["detail"]
    assert not Submission.objects.exists()
    assert api.post(base + "codes/", {"phone": data["phone"], **answered(api, base)},
                    format="json").status_code == 429  # one code a minute
    # the code is still good (five minutes): the petition goes in with it
    photo = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    photo.name = "现场.png"
    made = api.post(base + "submissions/", {**data, "code": last_code(), "files": [photo], **answered(api, base)},
                    format="multipart")
    assert made.status_code == 201, made.json()
    query_code = made.json()["query_code"]

    assert api.get(base + "mine/").status_code == 404  # no token
    wrong = api.post(base + "lookup/", {"query_code": query_code, "last_four": "0000", **answered(api, base)},
                     format="json")
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    found = api.post(base + "lookup/", {"query_code": query_code, "last_four": "1234", **answered(api, base)},
                     format="json")
    assert found.status_code == 200 and found.json()["status"]["label"] == "已提交，等待登记"
    token = found.json()["token"]

    case = submission_register(actor=caseworker, submission=Submission.objects.get())
    case = case_accept(actor=caseworker, case=case, version=case.version)
    case = case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    case = case_meet(actor=unit_officer, case=case, version=case.version)
    case_reply(actor=unit_officer, case=case, version=case.version, text="已结清。")
    mine = api.get(base + "mine/", HTTP_X_QUERY_TOKEN=token).json()
    assert mine["label"] == "已答复" and mine["can_rate"] and mine["case_number"] == case.number
    assert api.post(base + "mine/rate/", {"result": "nope"}, format="json",
                    HTTP_X_QUERY_TOKEN=token).status_code == 400
    rated = api.post(base + "mine/rate/", {"result": "basic"}, format="json", HTTP_X_QUERY_TOKEN=token)
    assert rated.status_code == 200 and not rated.json()["can_rate"]
    again = api.post(base + "mine/rate/", {"result": "basic"}, format="json", HTTP_X_QUERY_TOKEN=token)
    assert again.status_code == 409 and again.json()["code"] == "already_rated"


def test_the_public_operations_are_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("submissions/", "lookup/", "mine/", "mine/rate/", "mine/review/", "mine/materials/"):
        assert f"/api/v1/public/{{code}}/{path}" in schema["paths"], path


def test_a_token_of_one_county_opens_nothing_in_another(county, categories, other_county):
    api = APIClient()
    token = signing.dumps({"pk": 1}, salt="online.access")
    assert api.get(f"/api/v1/public/{other_county.region.code}/mine/", HTTP_X_QUERY_TOKEN=token).status_code == 404
    assert api.get("/api/v1/public/999999999999/mine/", HTTP_X_QUERY_TOKEN=token).status_code == 404


def looked_up(api, county, query_code="ABCDE-FGH23") -> str:
    base = f"/api/v1/public/{county.region.code}/"
    found = api.post(base + "lookup/", {"query_code": query_code, "last_four": "1234", **answered(api, base)},
                     format="json")
    assert found.status_code == 200, found.json()
    return found.json()["token"]


def test_the_holder_of_a_token_downloads_the_documents_owed_as_pdfs(county, categories, caseworker, unit_officer):
    submission = filed(county, categories)
    api = APIClient()
    base = f"/api/v1/public/{county.region.code}/"
    token = looked_up(api, county)
    early = api.get(base + "mine/documents/accepted/", HTTP_X_QUERY_TOKEN=token)
    assert early.status_code == 404 and early.json()["code"] == "document_not_owed"  # not accepted yet
    case = replied(submission, caseworker, unit_officer, county)
    status = api.get(base + "mine/", HTTP_X_QUERY_TOKEN=token).json()
    assert [d["kind"] for d in status["documents"]] == ["accepted", "reply"]
    pdf = api.get(base + "mine/documents/reply/", HTTP_X_QUERY_TOKEN=token)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert case.notices.get(kind="reply").number.startswith("怀信处字")  # numbered as the page numbers it
    for kind in ("not_accepted", "nonsense"):
        refused = api.get(base + f"mine/documents/{kind}/", HTTP_X_QUERY_TOKEN=token, HTTP_ACCEPT="application/pdf")
        assert refused.status_code == 404 and refused.json()["code"] == "document_not_owed"  # JSON, whatever Accept
    assert api.get(base + "mine/documents/reply/").status_code == 404  # no token, no document


def test_the_status_tells_the_petitioners_requests_and_their_answers(county, categories, caseworker, unit_officer):
    submission = replied(filed(county, categories), caseworker, unit_officer, county).online_submission
    api = APIClient()
    base = f"/api/v1/public/{county.region.code}/"
    token = looked_up(api, county)
    asked = api.post(base + "mine/withdraw/", {"reason": "已和解"}, format="json", HTTP_X_QUERY_TOKEN=token).json()
    assert asked["requests"] == [{"kind": "withdraw", "label": "已申请撤回，等待工作人员处理", "answer": "",
                                  "answered_at": None}]
    request_answer(actor=caseworker, submission=submission, kind="withdraw", answer="同意撤回。")
    answered_now = api.get(base + "mine/", HTTP_X_QUERY_TOKEN=token).json()["requests"][0]
    assert answered_now["answer"] == "同意撤回。" and answered_now["answered_at"]


def test_the_new_public_operations_are_in_the_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "/api/v1/public/{code}/lookup/codes/" in paths
    document = paths["/api/v1/public/{code}/mine/documents/{kind}/"]["get"]
    assert "application/pdf" in document["responses"]["200"]["content"]
    assert "429" in document["responses"] and "429" in paths["/api/v1/public/{code}/lookup/"]["post"]["responses"]


def test_a_server_that_cannot_make_pdfs_says_so_in_the_error_shape(county, categories, caseworker, unit_officer,
                                                                    monkeypatch):
    replied(filed(county, categories), caseworker, unit_officer, county)
    monkeypatch.setattr("online.public_views.pdf_response",
                        lambda request, html, name: HttpResponse("服务器暂不能生成PDF，请使用打印页面。", status=503))
    api = APIClient()
    response = api.get(f"/api/v1/public/{county.region.code}/mine/documents/reply/",
                       HTTP_X_QUERY_TOKEN=looked_up(api, county))
    assert response.status_code == 503 and response.json()["code"] == "pdf_unavailable"
