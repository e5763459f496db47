"""One audit trail for every write: a page's form or an API call, accepted or refused, with who, from where, what and
the result; searched by the audit administrator by person, object, action and time, its chain checked on a page and
exported for the archive with the hashes that tie each row to the one before."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from xinfang.org.models import AuditEvent
from xinfang.org.services import api_client_create, audit_append

pytestmark = pytest.mark.django_db


def rows(**filters):
    return list(AuditEvent.objects.filter(object_type="request", **filters).order_by("id").values_list(
        "action", "changes__status", "ip_address"))


def test_a_page_write_and_a_refused_one_are_both_in_the_trail(client_as, caseworker, county_admin):
    client_as(county_admin).post("/settings/cases/", {"reason": ""}, REMOTE_ADDR="10.2.0.1")
    client_as(caseworker).post("/settings/cases/", {"reason": "x"}, REMOTE_ADDR="10.2.0.2")

    assert rows(actor=county_admin) == [("web.rules:group", 400, "10.2.0.1")]
    assert rows(actor=caseworker) == [("web.rules:group", 403, "10.2.0.2")]


def test_an_api_clients_write_is_in_the_trail_under_its_account(system_admin, county):
    issued = api_client_create(actor=system_admin, name="12345", unit=county.bureau, roles=["caseworker"],
                               expires_at=timezone.now() + timedelta(days=5), scope="write")
    api = APIClient(REMOTE_ADDR="172.16.0.9")
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")

    api.post("/api/v1/cases/", {"channel": "nonsense"}, format="json")

    assert rows(actor=issued.client.user) == [("api.case-list", 400, "172.16.0.9")]


def test_the_audit_administrator_finds_by_person_action_and_day_within_the_county(client_as, audit_admin, caseworker,
                                                                                  other_caseworker):
    audit_append(actor=caseworker, action="case.accept", object_type="cases.case", object_id="7",
                 object_repr="怀信〔2026〕7号", region=caseworker.region, changes={}, ip_address="10.0.0.1")
    audit_append(actor=other_caseworker, action="case.accept", object_type="cases.case", object_id="8",
                 object_repr="望信〔2026〕8号", region=other_caseworker.region, changes={}, ip_address="10.0.0.2")
    page = client_as(audit_admin)
    today = timezone.localdate().isoformat()

    found = page.get("/org/audit/", {"person": caseworker.username, "action": "case.", "since": today,
                                     "until": today})
    by_ip = page.get("/org/audit/", {"ip_address": "10.0.0.2"})
    bad_ip = page.get("/org/audit/", {"ip_address": "not-an-ip"})

    assert [e.object_repr for e in found.context["page"]] == ["怀信〔2026〕7号"]
    assert list(by_ip.context["page"]) == []  # the other county's row is not the audit administrator's
    assert bad_ip.status_code == 200 and list(bad_ip.context["page"]) == []


def test_the_chain_check_on_the_page_names_the_first_broken_row(client_as, audit_admin, caseworker):
    first = audit_append(actor=caseworker, action="case.accept", object_type="cases.case", object_id="1",
                         object_repr="一", region=caseworker.region, changes={}, ip_address=None)
    page = client_as(audit_admin)
    intact = page.post("/org/audit/verify/", follow=True).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # past the trigger, as only a superuser can
        cursor.execute("UPDATE org_auditevent SET object_repr = '二' WHERE id = %s", [first.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    broken = page.post("/org/audit/verify/", follow=True).content.decode()

    assert "审计链完整" in intact
    assert f"第{first.pk}条记录" in broken
    assert AuditEvent.objects.filter(action="audit.verify").count() == 2


def test_the_export_carries_the_chain_and_is_itself_audited(client_as, audit_admin, caseworker):
    for n in range(3):
        audit_append(actor=caseworker, action="case.accept", object_type="cases.case", object_id=str(n),
                     object_repr=f"第{n}件", region=caseworker.region, changes={}, ip_address=None)

    response = client_as(audit_admin).get("/org/audit/export/", {"action": "case."})
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]

    assert [line["object_repr"] for line in lines] == ["第0件", "第1件", "第2件"]
    assert all(b["previous_hash"] == a["hash"] for a, b in zip(lines, lines[1:], strict=False))
    export = AuditEvent.objects.get(action="audit.export")
    assert (export.actor, export.changes["rows"]) == (audit_admin, 3)


def test_others_may_not_check_or_export_the_trail(client_as, county_admin, caseworker):
    assert client_as(county_admin).post("/org/audit/verify/").status_code == 403
    assert client_as(caseworker).get("/org/audit/export/").status_code == 403


def test_the_archive_command_writes_the_rows_before_a_day_with_their_chain(caseworker, tmp_path):
    from django.core.management import call_command

    old = audit_append(actor=caseworker, action="case.accept", object_type="cases.case", object_id="1",
                       object_repr="去年的", region=caseworker.region, changes={}, ip_address=None)
    out = tmp_path / "audit.jsonl"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    call_command("audit_export", out=str(out), before=tomorrow)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]

    assert lines[-1]["object_repr"] == "去年的" and lines[-1]["hash"] == old.hash
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("audit_export", out=str(out), before="2026-13-01")


def test_after_archived_rows_are_removed_the_check_starts_from_their_last_hash(caseworker, settings):
    from xinfang.org.services import audit_verify

    first = audit_append(actor=caseworker, action="case.accept", object_type="cases.case", object_id="1",
                         object_repr="一", region=caseworker.region, changes={}, ip_address=None)

    assert audit_verify() is None
    settings.AUDIT_ANCHOR_HASH = "f" * 64  # as if rows before it had been archived and removed
    assert audit_verify() == AuditEvent.objects.order_by("id").first()
    assert first.pk >= AuditEvent.objects.order_by("id").first().pk


def test_an_export_and_an_unmasked_view_are_in_the_one_trail(client_as, caseworker, case):
    page = client_as(caseworker)

    ledger = page.get("/cases/export.xlsx", {"status": "registered"}, REMOTE_ADDR="10.3.0.4")
    page.post(f"/cases/petitioners/{case.lead_petitioner_id}/reveal/", REMOTE_ADDR="10.3.0.4")

    assert ledger.status_code == 200
    export = AuditEvent.objects.get(action="cases.ledger.export")
    assert (export.actor, export.ip_address, export.changes["filters"]) == (caseworker, "10.3.0.4",
                                                                           {"status": "registered"})
    reveal = AuditEvent.objects.get(action="personal_data.reveal")
    assert (reveal.actor, reveal.object_id, reveal.region_id) == (caseworker, str(case.lead_petitioner_id),
                                                                  case.lead_petitioner.county_id)


def test_a_one_time_links_token_is_not_kept_in_the_trail(client):
    client.post("/r/secret-token-of-a-petitioner/", {"result": "satisfied"})

    row = AuditEvent.objects.get(object_type="request")
    assert "secret-token" not in row.object_repr and row.object_repr == "/r/<str:token>/"


def test_a_write_refused_for_want_of_the_second_factor_is_in_the_trail(client, audit_admin):
    client.post("/login/", {"username": audit_admin.username, "password": "test-pass-123"}, REMOTE_ADDR="10.4.0.1")

    client.post("/org/audit/verify/", REMOTE_ADDR="10.4.0.1")

    assert rows(ip_address="10.4.0.1") == [("web.org:audit_verify", 302, "10.4.0.1")]
    assert not AuditEvent.objects.filter(action="audit.verify").exists()
