"""积分制: events write points to the ledger under the county's rules — weighted by category, difficulty and source
level — once per event; a correction is a counter-entry; cadres are ranked by their points."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

import workflow
from scoring import selectors as sel
from scoring import services as ss
from scoring.models import PointEntry
from scoring.rules import POINT_RULES
from tests.rules.pages import form_data
from tests.visits.conftest import walk_to_replied
from visits import services as vs
from xinfang.errors import Conflict, NotPermitted, ValidationFailed
from xinfang.rules.selectors import rules_for
from xinfang.rules.services import rules_save


def entries(user):
    return sorted(PointEntry.objects.filter(user=user).values_list("rule", "points"))


def test_closing_a_resolved_case_earns_the_replying_officer_points(case, caseworker, unit_officer, county):
    replied = walk_to_replied(case, caseworker, unit_officer, county.housing)
    case = workflow.case_evaluate(actor=caseworker, case=replied, version=replied.version, result="satisfied",
                            method="phone")
    workflow.case_close(actor=caseworker, case=case, version=case.version)

    assert entries(unit_officer) == [("case_resolved", 2)]
    assert entries(caseworker) == [(f"return_visit:{caseworker.pk}", 1)]  # recorded the return visit
    entry = PointEntry.objects.get(user=unit_officer)
    assert entry.basis == {"scheme": 0, "base": 2, "factors": {}} and entry.case == case  # the default rules


def test_a_resolution_earns_its_points_once_whoever_replies_last(case, caseworker, unit_officer, leader):
    from scoring.choices import PointEvent

    first = ss.points_on(event=PointEvent.CASE_RESOLVED, case=case, users=[unit_officer], source=case, once=True)
    again = ss.points_on(event=PointEvent.CASE_RESOLVED, case=case, users=[leader], source=case, once=True)

    assert again == first  # the ledger's first line, not a second award
    assert PointEntry.objects.filter(case=case, rule="case_resolved").count() == 1


def test_the_county_weights_points_by_category_difficulty_and_source(register, caseworker, unit_officer,
                                                                    county_admin, county, categories):
    rules_save(actor=county_admin, county=county.region, key="points", reason="按类别和交办层级加权", values={
        "points": {**POINT_RULES.defaults()["points"], "case_resolved": 4, "late_closure": -2},
        "category_factors": {str(categories["labour"].pk): 1.5}, "difficulty_factors": {},
        "source_factors": {"city": 2}})
    case = register(channel="from_above", upper_source="city", upper_batch="市交办")  # 欠薪, under 劳动社保
    replied = walk_to_replied(case, caseworker, unit_officer, county.housing)
    case = workflow.case_evaluate(actor=caseworker, case=replied, version=replied.version, result="basic",
                                  method="phone")
    workflow.case_close(actor=caseworker, case=case, version=case.version)

    entry = PointEntry.objects.get(user=unit_officer)
    assert entry.points == 12  # 4 × 1.5 (劳动社保, the parent category) × 2 (assigned by the city)
    assert entry.basis == {"scheme": 1, "base": 4, "factors": {"category": 1.5, "source": 2}}


def test_a_leaders_reception_earns_points_once(caseworker, leader, case):
    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="x", decided="y", case=case))
    assert entries(leader) == [(f"reception:{leader.pk}", 1)]


def test_a_correction_is_a_counter_entry_with_a_reason_once(caseworker, leader, county_admin, case):
    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="x", decided="y", case=case))
    entry = PointEntry.objects.get(user=leader)
    with pytest.raises(NotPermitted):
        ss.points_correct(actor=caseworker, entry=entry, reason="误记")
    with pytest.raises(ValidationFailed):
        ss.points_correct(actor=county_admin, entry=entry, reason=" ")
    correction = ss.points_correct(actor=county_admin, entry=entry, reason="接访记录重复")
    with pytest.raises(Conflict):
        ss.points_correct(actor=county_admin, entry=entry, reason="再次")

    assert (correction.points, correction.corrects) == (-1, entry)
    entry.refresh_from_db()
    assert entry.points == 1  # the original is never edited
    assert sum(PointEntry.objects.filter(user=leader).values_list("points", flat=True)) == 0


def test_cadres_are_ranked_by_their_points_in_the_period(caseworker, leader, county_admin, register, unit_officer,
                                                         county):
    for _ in range(3):
        workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
            leader=leader, received_at=timezone.now(), raised="x", decided="y", case=register()))
    replied = walk_to_replied(register(), caseworker, unit_officer, county.housing)
    case = workflow.case_evaluate(actor=caseworker, case=replied, version=replied.version, result="satisfied",
                            method="phone")
    workflow.case_close(actor=caseworker, case=case, version=case.version)

    today = timezone.localdate()
    ranking = list(sel.cadre_ranking(user=caseworker, start=today - timedelta(days=1), end=today))
    assert [(r["user_id"], r["points"]) for r in ranking][:2] == [(leader.pk, 3), (unit_officer.pk, 2)]
    assert list(sel.cadre_ranking(user=caseworker, start=date(2020, 1, 1), end=date(2020, 12, 31))) == []


def test_bad_point_rules_are_refused(county_admin, county):
    with pytest.raises(ValidationFailed) as refused:
        rules_save(actor=county_admin, county=county.region, key="points", reason="试",
                   values={"points": {"no_such_event": 1}, "source_factors": {"city": 11}})
    assert refused.value.detail == {"points": ["请从给出的选项中选择。"],
                                    "source_factors": ["交办层级系数应在0至10之间。"]}
    assert rules_for(county.region, "points").version is None


def test_a_red_card_raised_by_the_sweep_costs_its_leader_a_point_once(case, caseworker, leader, county):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from xinfang.org.models import Unit

    Unit.objects.filter(pk=county.housing.pk).update(leader=leader)
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
        workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        workflow.sweep()  # 见面 was due on the 19th: a red card for 住建局, its leader 王县长 answers for it
        workflow.sweep()

    (entry,) = PointEntry.objects.filter(user=leader, rule=f"red_card:{leader.pk}")
    assert (entry.points, entry.source_type, entry.case_id) == (-1, "deadlines.card", case.pk)
    assert entry.basis == {"scheme": 0, "base": -1, "factors": {}}


def test_evaluating_a_case_again_earns_no_more_return_visit_points(case, caseworker, unit_officer, county):
    replied = walk_to_replied(case, caseworker, unit_officer, county.housing)
    for _ in range(3):
        replied = workflow.case_evaluate(actor=caseworker, case=replied, version=replied.version, result="satisfied",
                                   method="phone")
    assert entries(caseworker) == [(f"return_visit:{caseworker.pk}", 1)]


def test_a_period_still_running_cannot_be_frozen_into_a_snapshot(county_admin, county):
    with pytest.raises(Conflict) as refused:
        ss.snapshot_request(actor=county_admin, county=county.region, kind="month", day=timezone.localdate())
    assert refused.value.code == "period_not_over"


def test_rank_scores_too_large_for_the_index_are_refused(county_admin, county):
    with pytest.raises(ValidationFailed):
        rules_save(actor=county_admin, county=county.region, key="index", values={"rank_scores": [10_000_000]},
                   reason="试")


def test_the_county_admin_edits_the_point_rules_on_their_page(client_as, county_admin, county, categories):
    client = client_as(county_admin)
    assert client.get("/scoring/points/").url == "/settings/points/"  # the old address
    page = client.get("/settings/points/").content.decode()
    assert "劳动社保" in page and "办结化解信访事项" in page

    keys = [k for k, _label in POINT_RULES.field("category_factors").options(county.region.pk)]
    data = {**form_data(page), "points_0": "5", f"category_factors_{keys.index(str(categories['labour'].pk))}": "1.5",
            "source_factors_2": "2", "reason": "联席会议决定"}
    client.post("/settings/points/", data)
    scheme = rules_for(county.region, "points")
    assert (scheme.number, scheme.points["case_resolved"]) == (1, 5)
    assert scheme.category_factors == {str(categories["labour"].pk): 1.5}
    assert scheme.source_factors == {"central": 2, "provincial": 1.5, "city": 2}

    bad = client.post("/settings/points/", {**data, "points_0": "many", "source_factors_0": "11"})
    assert bad.status_code == 400 and rules_for(county.region, "points").number == 1
    assert "请填写整数" in bad.content.decode()


def test_the_county_admin_corrects_an_entry_from_the_cadres_record(client_as, caseworker, leader, county_admin,
                                                                   case):
    workflow.reception_record(actor=caseworker, data=vs.ReceptionInput(
        leader=leader, received_at=timezone.now(), raised="x", decided="y", case=case))
    entry = PointEntry.objects.get(user=leader)
    client = client_as(county_admin)
    assert 'data-testid="correct-form"' in client.get(f"/dossiers/cadres/{leader.pk}/").content.decode()

    client.post(f"/scoring/entries/{entry.pk}/correct/", {"reason": "重复记录"})

    assert PointEntry.objects.get(corrects=entry).points == -1
    assert client_as(caseworker).post(f"/scoring/entries/{entry.pk}/correct/", {"reason": "x"}).status_code == 403


def test_the_point_rules_history_reads_in_the_same_queries_however_many_versions(client_as, county_admin, county,
                                                                                 categories):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    labour = str(categories["labour"].pk)
    client = client_as(county_admin)

    def save_and_count(factor):
        rules_save(actor=county_admin, county=county.region, key="points", values={"category_factors": {
            labour: factor}}, reason=f"劳动社保系数{factor}")
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/settings/points/").content.decode()
        return len(queries), page

    few, _page = save_and_count(1.1)
    save_and_count(1.2)
    save_and_count(1.3)
    many, page = save_and_count(1.4)

    assert many == few
    assert "类别系数：劳动社保 1.3 → <strong>劳动社保 1.4</strong>" in page
