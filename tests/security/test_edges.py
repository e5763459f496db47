"""The edges a 等保三级 tester pushes on: another county's data never shows through a check, odd input gets a clear
error and saves nothing, and no request ends in a 500."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from stdnum.cn import ric

from cases.models import Attachment, Case, Petitioner
from tests.cases.conftest import ID_WANG
from tests.cases.test_api import intake_body
from tests.deadlines.test_clocks import walk_to_assigned

pytestmark = pytest.mark.django_db


def test_a_work_order_id_another_county_registered_reveals_nothing_of_it(api_as, caseworker, other_caseworker,
                                                                         county, other_county, categories,
                                                                         other_categories):
    theirs = api_as(other_caseworker).post("/api/v1/cases/", intake_body(
        other_county, {"wages": other_categories["land"]}), format="json")
    assert theirs.status_code == 201, theirs.json()

    ours = api_as(caseworker).post("/api/v1/cases/", intake_body(county, categories), format="json")

    # The same 12345 work-order number in two counties is two work orders: ours is registered, theirs not shown.
    assert ours.status_code == 201, ours.json()
    assert theirs.json()["number"] not in str(ours.json())
    again = api_as(caseworker).post("/api/v1/cases/", intake_body(county, categories), format="json")
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_external_id")
    assert again.json()["detail"]["case_number"] == ours.json()["number"]


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_push_is_a_409_not_a_400(api_as, caseworker, county, categories):
    """The second push passes the check while the first is still committing; the database's constraint catches it,
    and the answer is the same 409."""
    first_case = api_as(caseworker).post("/api/v1/cases/", intake_body(county, categories, external_id="A-1"),
                                         format="json").json()
    started = threading.Event()

    def hold_a_duplicate_uncommitted():
        holder = connections.create_connection("default")
        with holder.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("UPDATE cases_case SET external_id = 'A-2' WHERE id = %s", [first_case["id"]])
            started.set()
            time.sleep(1.0)  # the other push is waiting on the unique index meanwhile
            cursor.execute("COMMIT")
        holder.close()

    if connection.vendor != "postgresql":
        pytest.skip("row locks on the unique index need PostgreSQL")
    thread = threading.Thread(target=hold_a_duplicate_uncommitted)
    thread.start()
    assert started.wait(timeout=10), "the other transaction did not start"
    response = api_as(caseworker).post("/api/v1/cases/", intake_body(county, categories, external_id="A-2"),
                                       format="json")
    thread.join()

    assert (response.status_code, response.json()["code"]) == (409, "duplicate_external_id")
    assert Case.objects.filter(external_id="A-2").count() == 1


def test_a_repeat_push_with_the_same_id_number_and_another_name_is_refused(api_as, caseworker, county, categories):
    api = api_as(caseworker)
    api.post("/api/v1/cases/", intake_body(county, categories), format="json")

    response = api.post("/api/v1/cases/", intake_body(
        county, categories, external_id="GD2", petitioner={"name": "王建军", "id_number": ID_WANG}), format="json")

    assert (response.status_code, response.json()["code"]) == (409, "petitioner_name_mismatch")
    assert list(Petitioner.objects.values_list("name", flat=True)) == ["王建国"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize("path", ["/public/schedule/%00/", "/visits/ics/%00.ics", "/org/regions/%00/",
                                  "/cases/?q=%00", "/api/v1/cases/?search=%00"])
def test_a_nul_byte_in_the_address_is_a_400_not_a_500(client_as, caseworker, path):
    response = client_as(caseworker).get(path)

    assert response.status_code == 400


def test_a_nul_byte_in_an_api_address_answers_in_the_api_s_shape(api_as, caseworker):
    response = api_as(caseworker).get("/api/v1/cases/?search=%00")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59"])
def test_a_receipt_time_at_the_ends_of_the_calendar_is_a_clear_400(api_as, caseworker, county, categories,
                                                                    received_at):
    response = api_as(caseworker).post("/api/v1/cases/", intake_body(county, categories, received_at=received_at),
                                       format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "received_at" in response.json()["detail"]
    assert not Case.objects.exists()


def test_a_thousand_deep_json_body_is_a_400(api_as, caseworker):
    body = "[" * 1000 + "]" * 1000

    response = api_as(caseworker).generic("POST", "/api/v1/cases/", body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "malformed_request")


def test_a_body_over_the_limit_gets_the_api_s_json_error(api_as, caseworker, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = '{"summary": "' + "x" * (2 * 1024 * 1024) + '"}'

    response = api_as(caseworker).generic("POST", "/api/v1/cases/", body, content_type="application/json")

    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "request_too_large"


def test_a_windows_program_named_a_pdf_is_refused(api_as, caseworker, case):
    program = SimpleUploadedFile("a.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
                                 content_type="application/pdf")

    response = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/attachments/", {"files": [program]})

    assert (response.status_code, response.json()["code"]) == (400, "file_type_not_allowed")
    assert not Attachment.objects.exists()


def test_a_real_pdf_is_taken(api_as, caseworker, case):
    pdf = SimpleUploadedFile("信访件.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")

    response = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/attachments/", {"files": [pdf]})

    assert response.status_code == 201, response.json()
    assert Attachment.objects.get().content_type == "application/pdf"


def test_an_id_number_born_in_2099_is_refused(api_as, caseworker, county, categories):
    future = "340822" + "20990101" + "001"
    future += ric.calc_check_digit(future + "0")
    assert ric.is_valid(future)  # the checksum alone would let it through

    response = api_as(caseworker).post("/api/v1/cases/", intake_body(
        county, categories, petitioner={"name": "未来人", "id_number": future}), format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_id_number")
    assert not Case.objects.exists()


def test_a_supervision_due_in_the_year_9999_is_refused(api_as, caseworker, case, county):
    case = walk_to_assigned(case, caseworker, county.housing)
    response = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/supervise/", {
        "kind": "reminder", "content": "请按期办理", "respond_by": "9999-12-31", "version": case.version},
        format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "respond_by" in response.json()["detail"]
    assert not case.supervisions.exists()
