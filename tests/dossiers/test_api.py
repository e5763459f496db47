"""The dossiers API as its users meet it: a leader designates a backlog case, the petition bureau builds the 五个一
and works the plan to 销号, a cadre takes a hard case off the 揭榜挂帅 board and earns its points; refusals come back
in the one error shape, and another county's dossier is not there at all."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from dossiers import services as ds
from dossiers.models import Dossier, Listing
from scoring.models import PointEntry

from .conftest import at, ready

pytestmark = pytest.mark.django_db


def _soon(days: int = 10) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def resolving(dossier, caseworker, leader, unit_officer):
    """A dossier whose plan is in force, with one open measure (``dossier.measure``)."""
    measure = ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=10))
    ds.dossier_start(actor=caseworker, dossier=dossier)
    dossier.measure = measure
    return dossier


# The whole way -----------------------------------------------------------------------------------------------

def test_a_dossier_walks_from_designation_to_closure_through_the_api(api_as, case, leader, caseworker,
                                                                    unit_officer):
    as_leader, as_bureau, as_officer = api_as(leader), api_as(caseworker), api_as(unit_officer)

    opened = as_leader.post("/api/v1/dossiers/designate/", {"case": case.pk, "reason": "多年重复信访"}, format="json")
    assert opened.status_code == 201, opened.json()
    pk = opened.json()["id"]
    assert (opened.json()["stage"], opened.json()["source"]) == ("opened", "designated")
    assert "专班成员" in opened.json()["gaps"]

    url = f"/api/v1/dossiers/{pk}"
    assert as_bureau.post(f"{url}/owners/", {"primary": leader.pk}, format="json").status_code == 200
    member = as_bureau.post(f"{url}/members/", {"user": unit_officer.pk, "role": "head"}, format="json")
    assert (member.status_code, member.json()["role"]) == (201, "head")
    assert member.json()["unit_name"] == unit_officer.unit.name
    as_bureau.post(f"{url}/plan/", {"plan": "一案一策", "facts": "查清欠薪事实", "difficulty": "协调支付",
                                    "persuasion": "耐心释法"}, format="json")
    measure = as_bureau.post(f"{url}/measures/", {"owner": unit_officer.pk, "action": "督促施工方支付工资",
                                                  "due_on": _soon()}, format="json")
    assert measure.status_code == 201
    assert (measure.json()["deadline_due_on"], measure.json()["state"]) == (_soon(), "running")

    started = as_bureau.post(f"{url}/start/")
    assert (started.status_code, started.json()["stage"], started.json()["gaps"]) == (200, "resolving", [])
    assert as_bureau.post(f"{url}/progress/", {"progress": 60, "note": "已支付一半"}, format="json").json()[
        "progress"] == 60

    escalation = as_bureau.post(f"{url}/escalate/", {"reason": "涉及跨县施工企业"}, format="json")
    assert (escalation.status_code, escalation.json()["to_region_name"]) == (201, "安庆市")
    assert as_bureau.get(f"{url}/").json()["stage"] == "escalated"
    held = as_bureau.post(f"/api/v1/escalations/{escalation.json()['id']}/record/",
                          {"outcome": "由市人社局牵头追缴"}, format="json")
    assert (held.status_code, held.json()["outcome"]) == (200, "由市人社局牵头追缴")

    done = as_officer.post(f"/api/v1/measures/{measure.json()['id']}/done/", {"note": "工资已付清"}, format="json")
    assert (done.json()["done_note"], done.json()["state"]) == ("工资已付清", "met")
    signed = as_bureau.post(f"{url}/sign-off/", {"petitioner_stopped": True, "note": "已息诉罢访",
                                                 "agreement": "双方签订化解协议"}, format="json")
    assert signed.status_code == 201 and signed.json()["petitioner_stopped"] is True
    closed = as_leader.post(f"{url}/close/", {"note": "同意销号"}, format="json")

    body = closed.json()
    assert (closed.status_code, body["stage"], body["progress"], body["closed_by"]) == (200, "closed", 100, "王县长")
    assert [e["outcome"] for e in body["escalations"]] == ["由市人社局牵头追缴"]
    assert [s["agreement"] for s in body["sign_offs"]] == ["双方签订化解协议"]
    kinds = [e["kind"] for e in as_bureau.get(f"{url}/file/").json()["events"]]
    assert {"dossier_open", "dossier_escalation", "dossier_sign_off", "dossier_close"} <= set(kinds)


def test_a_claim_from_publication_to_points_through_the_api(api_as, resolving, county_admin, commissioner, leader,
                                                           caseworker, unit_officer, county):
    published = api_as(county_admin).post(f"/api/v1/dossiers/{resolving.pk}/publish/",
                                          {"points": 20, "claim_days": 60, "note": "欠薪积案"}, format="json")
    assert published.status_code == 201
    listing = published.json()
    assert (listing["status"], listing["points"], listing["case_number"]) == ("open", 20, resolving.case.number)

    claim = api_as(commissioner).post(f"/api/v1/listings/{listing['id']}/claim/", {
        "kind": "recommended", "recommended_by": county.township_government.pk, "statement": "一个月内化解"},
        format="json")
    assert claim.status_code == 201, claim.json()
    decided = api_as(leader).post(f"/api/v1/claims/{claim.json()['id']}/decide/", {"approve": True}, format="json")
    assert (decided.json()["status"], decided.json()["due_on"]) == ("approved", _soon(60))
    detail = api_as(caseworker).get(f"/api/v1/dossiers/{resolving.pk}/").json()
    assert {(m["name"], m["role"]) for m in detail["members"]} >= {("孙专员", "head")}
    assert detail["listings"][0]["status"] == "claimed"

    api_as(unit_officer).post(f"/api/v1/measures/{resolving.measure.pk}/done/", format="json")
    api_as(caseworker).post(f"/api/v1/dossiers/{resolving.pk}/sign-off/",
                            {"petitioner_stopped": True, "note": "验收通过"}, format="json")
    api_as(leader).post(f"/api/v1/dossiers/{resolving.pk}/close/", format="json")

    entry = PointEntry.objects.get(user=commissioner, rule="listing_finished")
    assert (entry.points, entry.case) == (20, resolving.case)
    assert api_as(caseworker).get(f"/api/v1/listings/{listing['id']}/").json()["status"] == "done"
    record = api_as(caseworker).get(f"/api/v1/cadres/{commissioner.pk}/record/").json()
    # 20 for the listing, and as the task force's head 10 × 1.5 (a backlog case) for resolving it.
    assert (record["cadre"]["name"], record["total"], record["finished"]) == ("孙专员", 35, 1)
    assert [(c["case_number"], c["status"]) for c in record["claims"]] == [(resolving.case.number, "approved")]


# Becoming backlog ---------------------------------------------------------------------------------------------

def test_designating_a_case_that_is_already_backlog_is_a_409(api_as, dossier, case, leader):
    response = api_as(leader).post("/api/v1/dossiers/designate/", {"case": case.pk, "reason": "再次"},
                                   format="json")

    assert (response.status_code, response.json()["code"]) == (409, "already_backlog")


def test_a_caseworker_cannot_designate_and_another_countys_case_does_not_exist(api_as, case, caseworker,
                                                                              other_county):
    from tests.factories import make_person

    other_leader = make_person("qian.leader", other_county.government, ["leader"], name="钱县长", leader_level=3)

    refused = api_as(caseworker).post("/api/v1/dossiers/designate/", {"case": case.pk, "reason": "x"}, format="json")
    unseen = api_as(other_leader).post("/api/v1/dossiers/designate/", {"case": case.pk, "reason": "x"},
                                       format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert (unseen.status_code, unseen.json()["code"], list(unseen.json()["detail"])) == (400, "invalid", ["case"])
    assert not Dossier.objects.exists()


def test_a_central_batch_and_a_single_city_case_become_backlog_through_the_api(api_as, register, caseworker):
    for _ in range(3):
        register(channel="from_above", upper_source="central", upper_batch="2026年第3批")
    city = register(channel="from_above", upper_source="city", upper_batch="市交办2026-11")
    api = api_as(caseworker)

    batch = api.post("/api/v1/dossiers/batch/", {"upper_source": "central", "batch": "2026年第3批"}, format="json")
    again = api.post("/api/v1/dossiers/batch/", {"upper_source": "central", "batch": "2026年第3批"}, format="json")
    single = api.post("/api/v1/dossiers/from-above/", {"case": city.pk}, format="json")

    assert batch.json() == {"opened": 3}
    assert (again.status_code, again.json()["code"]) == (404, "batch_not_found")
    assert (single.status_code, single.json()["source_batch"]) == (201, "市交办2026-11")


# Refusals of the dossier's life -------------------------------------------------------------------------------

def test_starting_an_incomplete_plan_is_a_400_naming_what_is_missing(api_as, dossier, caseworker):
    response = api_as(caseworker).post(f"/api/v1/dossiers/{dossier.pk}/start/")

    body = response.json()
    assert (response.status_code, body["code"]) == (400, "plan_incomplete")
    assert {"专班成员", "化解措施", "三包责任"} <= set(body["detail"]["missing"])
    assert Dossier.objects.get(pk=dossier.pk).stage == "opened"


def test_escalating_a_dossier_not_yet_in_resolution_is_a_409(api_as, dossier, caseworker):
    response = api_as(caseworker).post(f"/api/v1/dossiers/{dossier.pk}/escalate/", {"reason": "疑难"},
                                       format="json")

    assert (response.status_code, response.json()["code"]) == (409, "stage_not_allowed")
    assert response.json()["detail"] == {"stage": "opened"}


def test_signing_off_with_a_measure_still_open_is_a_409(api_as, resolving, caseworker):
    response = api_as(caseworker).post(f"/api/v1/dossiers/{resolving.pk}/sign-off/",
                                       {"petitioner_stopped": True, "note": "验收"}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "measures_open")
    assert response.json()["detail"]["measures"] == ["督促施工方支付工资"]


def test_a_leader_who_does_not_own_the_dossier_cannot_close_it(api_as, resolving, caseworker, unit_officer,
                                                               deputy):
    ds.measure_done(actor=unit_officer, measure=resolving.measure)
    ds.sign_off(actor=caseworker, dossier=resolving, petitioner_stopped=True, note="验收")

    response = api_as(deputy).post(f"/api/v1/dossiers/{resolving.pk}/close/", {"note": "同意"}, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "not_owner")
    assert Dossier.objects.get(pk=resolving.pk).stage == "resolved"


def test_a_measure_owner_from_another_county_is_refused_as_unknown(api_as, dossier, caseworker, other_caseworker):
    response = api_as(caseworker).post(f"/api/v1/dossiers/{dossier.pk}/measures/", {
        "owner": other_caseworker.pk, "action": "协调", "due_on": _soon()}, format="json")

    assert (response.status_code, list(response.json()["detail"])) == (400, ["owner"])


def test_a_member_leaves_the_task_force(api_as, dossier, caseworker, unit_officer):
    member = ds.member_add(actor=caseworker, dossier=dossier, user=unit_officer)
    api = api_as(caseworker)

    removed = api.delete(f"/api/v1/dossiers/{dossier.pk}/members/{member.pk}/")
    again = api.delete(f"/api/v1/dossiers/{dossier.pk}/members/{member.pk}/")

    assert removed.status_code == 204
    assert (again.status_code, again.json()["code"]) == (404, "member_not_found")
    assert api.get(f"/api/v1/dossiers/{dossier.pk}/").json()["members"] == []


# Jurisdiction ---------------------------------------------------------------------------------------------------

def test_another_countys_caseworker_finds_neither_the_dossier_nor_its_listing(api_as, dossier, county_admin,
                                                                             other_caseworker):
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)
    api = api_as(other_caseworker)

    assert api.get("/api/v1/dossiers/").json()["count"] == 0
    for response in (api.get(f"/api/v1/dossiers/{dossier.pk}/"), api.get(f"/api/v1/dossiers/{dossier.pk}/file/"),
                     api.post(f"/api/v1/dossiers/{dossier.pk}/progress/", {"progress": 1, "note": "x"},
                              format="json"),
                     api.get(f"/api/v1/listings/{listing.pk}/"),
                     api.post(f"/api/v1/listings/{listing.pk}/claim/", {"kind": "self", "statement": "我来"},
                              format="json")):
        assert response.status_code == 404
        assert response.json()["code"] in ("not_found", "dossier_not_found")
    assert not listing.claims.exists()


def test_a_cadre_record_outside_the_jurisdiction_is_a_404(api_as, caseworker, other_caseworker):
    response = api_as(caseworker).get(f"/api/v1/cadres/{other_caseworker.pk}/record/")

    assert (response.status_code, response.json()["code"]) == (404, "user_not_found")


# The board ------------------------------------------------------------------------------------------------------

def test_the_board_filters_by_stage(api_as, resolving, register, leader, caseworker):
    waiting = ds.dossier_designate(actor=leader, case=register(summary="另一件积案"), reason="重复信访")
    api = api_as(caseworker)

    in_resolution = api.get("/api/v1/dossiers/?stage=resolving").json()
    both = api.get("/api/v1/dossiers/?stage=resolving&stage=opened").json()

    assert [r["id"] for r in in_resolution["results"]] == [resolving.pk]
    row = in_resolution["results"][0]
    assert (row["n_measures"], row["n_open_measures"], row["petitioner"]) == (1, 1, "王建国")
    assert [o["name"] for o in row["owners"]] == ["王县长"]
    assert {r["id"] for r in both["results"]} == {resolving.pk, waiting.pk}


def test_the_board_filters_by_the_cases_card(api_as, register, leader, caseworker):
    with time_machine.travel(at("2026-09-01"), tick=False):
        overdue = ds.dossier_designate(actor=leader, case=register(summary="久拖未受理"), reason="超期")
    with time_machine.travel(at("2026-11-20"), tick=False):
        fresh = ds.dossier_designate(actor=leader, case=register(summary="新近登记"), reason="重复信访")

        red = api_as(caseworker).get("/api/v1/dossiers/?card=red").json()["results"]
        rows = {r["id"]: r["card"] for r in api_as(caseworker).get("/api/v1/dossiers/").json()["results"]}

    assert [r["id"] for r in red] == [overdue.pk]
    assert (rows[overdue.pk], rows[fresh.pk]) == ("red", "")


def test_the_dossier_list_runs_a_fixed_number_of_queries(api_as, register, leader, deputy, caseworker, unit_officer,
                                                         django_assert_max_num_queries):
    api = api_as(caseworker)
    api.get("/api/v1/dossiers/")  # warm the caller's permission cache
    for i in range(5):
        dossier = ds.dossier_designate(actor=leader, case=register(summary=f"欠薪问题{i}"), reason="重复信访")
        ds.owners_set(actor=caseworker, dossier=dossier, primary=leader, second=deputy)
        for action in ("约谈施工方", "协调支付"):
            ds.measure_add(actor=caseworker, dossier=dossier, owner=unit_officer, action=action,
                           due_on=timezone.localdate() + timedelta(days=10))

    with django_assert_max_num_queries(3):
        body = api.get("/api/v1/dossiers/").json()

    assert body["count"] == 5
    assert all(len(r["owners"]) == 2 and r["n_measures"] == 2 for r in body["results"])


# The 揭榜挂帅 board and the county's rules --------------------------------------------------------------------

def test_an_open_listing_is_withdrawn_and_leaves_the_open_board(api_as, dossier, county_admin, caseworker):
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)

    refused = api_as(caseworker).post(f"/api/v1/listings/{listing.pk}/withdraw/")
    withdrawn = api_as(county_admin).post(f"/api/v1/listings/{listing.pk}/withdraw/")

    assert (refused.status_code, withdrawn.json()["status"]) == (403, "withdrawn")
    assert api_as(caseworker).get("/api/v1/listings/?status=open").json()["count"] == 0
    assert Listing.objects.get(pk=listing.pk).status == "withdrawn"


def test_a_county_admin_sets_the_backlog_rules_and_a_caseworker_cannot(api_as, county_admin, caseworker, county):
    api = api_as(county_admin)

    before = api.get("/api/v1/rules/backlog/").json()["values"]
    changed = api.post("/api/v1/rules/backlog/", {"values": {"dual_owner_sources": ["city"], "claim_points": 15},
                                                  "reason": "县联席会议决定"}, format="json")
    invalid = api.post("/api/v1/rules/backlog/", {"values": {"dual_owner_sources": ["abroad"]}, "reason": "试"},
                       format="json")
    refused = api_as(caseworker).post("/api/v1/rules/backlog/", {"values": {"claim_days": 30}, "reason": "试"},
                                      format="json")

    assert (before["claim_days"], before["claim_points"], before["dual_owner_sources"]) == (90, 10, [])
    assert (changed.json()["values"]["dual_owner_sources"], changed.json()["values"]["claim_points"]) == (["city"], 15)
    assert (invalid.status_code, list(invalid.json()["detail"])) == (400, ["dual_owner_sources"])
    assert refused.status_code == 403
    assert ds.settings_for(county.region).claim_days == 90
