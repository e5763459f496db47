"""The dossier pages: the backlog board, the dossier page and its actions from 建档 to 销号, the printed file (HTML and
PDF), the 揭榜挂帅 board from publication to points, the county's rules, and designation from the case page."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers import services as ds
from dossiers.models import Claim, Dossier, Escalation, Listing, Measure
from scoring.models import PointEntry

from .conftest import ready

pytestmark = pytest.mark.django_db


def row(html: str, marker: str) -> str:
    match = re.search(rf"<tr[^>]*{re.escape(marker)}.*?</tr>", html, re.S)
    assert match, f"no row with {marker}"
    return match.group(0)


def act(client, dossier, slug: str, /, **data):
    return client.post(f"/dossiers/{dossier.pk}/act/{slug}/", data, follow=True)


def stage(dossier) -> str:
    return Dossier.objects.get(pk=dossier.pk).stage


def in_days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def resolving(dossier, caseworker, leader, unit_officer):
    measure = ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=10))
    ds.dossier_start(actor=caseworker, dossier=dossier)
    dossier.measure = measure
    return dossier


@pytest.fixture
def resolved(resolving, caseworker, unit_officer):
    ds.measure_done(actor=unit_officer, measure=resolving.measure)
    ds.sign_off(actor=caseworker, dossier=resolving, petitioner_stopped=True, note="已息诉罢访")
    return resolving


# The board -------------------------------------------------------------------------------------------------

def test_the_board_lists_a_designated_case_and_filters_by_stage(client_as, caseworker, leader, unit_officer,
                                                                dossier, register):
    started = ds.dossier_designate(actor=leader, case=register(summary="宅基地纠纷多年未决"), reason="久拖未决")
    ready(started, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=10))
    ds.dossier_start(actor=caseworker, dossier=started)
    client = client_as(caseworker)

    everything = client.get("/dossiers/").content.decode()
    resolving_only = client.get("/dossiers/?stage=resolving").content.decode()

    assert dossier.case.number in everything and started.case.number in everything
    assert 'data-stage="opened">建档' in row(everything, f'data-dossier="{dossier.pk}"')
    assert "王县长" in row(everything, f'data-dossier="{started.pk}"')
    assert started.case.number in resolving_only and dossier.case.number not in resolving_only


def test_a_bad_board_filter_says_so_and_lists_nothing(client_as, caseworker, dossier):
    html = client_as(caseworker).get("/dossiers/?age=7").content.decode()
    assert "筛选条件有误" in html and dossier.case.number not in html


def test_the_board_costs_a_bounded_number_of_queries(client_as, caseworker, leader, register,
                                                     django_assert_max_num_queries):
    for i in range(6):
        ds.dossier_designate(actor=leader, case=register(summary=f"欠薪第{i}件"), reason="重复信访")
    client = client_as(caseworker)
    client.get("/dossiers/")

    with django_assert_max_num_queries(16):
        html = client.get("/dossiers/?source=designated").content.decode()

    assert html.count("data-dossier=") == 6


def test_a_leader_sees_the_cases_they_own_with_the_dossier_stage(client_as, caseworker, leader, dossier):
    ds.owners_set(actor=caseworker, dossier=dossier, primary=leader)
    html = client_as(leader).get("/dossiers/mine/").content.decode()
    assert 'data-stage="opened"' in row(html, f'data-case="{dossier.case_id}"')


# The dossier page and its actions --------------------------------------------------------------------------

def test_the_dossier_page_shows_the_plan_gaps_and_only_the_actions_the_stage_allows(client_as, caseworker, dossier):
    html = client_as(caseworker).get(f"/dossiers/{dossier.pk}/").content.decode()

    gaps = re.search(r'data-testid="plan-gaps">(.*?)</div>', html, re.S).group(1)
    assert "专班成员" in gaps and "化解措施" in gaps and "三包责任" in gaps
    assert 'data-action="start"' in html and 'data-action="owners"' in html
    assert 'data-action="sign_off"' not in html and 'data-action="close"' not in html


def test_each_action_of_the_dossier_page_takes_the_dossier_from_opened_to_closed(client_as, caseworker, leader,
                                                                                 unit_officer, dossier):
    client = client_as(caseworker)
    act(client, dossier, "owners", primary=leader.pk)
    act(client, dossier, "member", user=unit_officer.pk, role="head")
    act(client, dossier, "plan", plan="一案一策", facts="查清欠薪事实", difficulty="协调支付", persuasion="耐心释法")
    act(client, dossier, "measure", owner=unit_officer.pk, action="督促施工方支付工资", due_on=in_days(10))
    started = act(client, dossier, "start")
    act(client, dossier, "progress", progress=40, note="已支付一半")
    escalated = act(client, dossier, "escalate", reason="涉及跨县土地权属")
    assert stage(dossier) == "escalated"
    escalation = Escalation.objects.get(dossier=dossier)
    client.post(f"/dossiers/escalations/{escalation.pk}/record/", {"outcome": "由市自然资源局牵头确权"}, follow=True)
    measure = Measure.objects.get(dossier=dossier)
    client_as(unit_officer).post(f"/dossiers/measures/{measure.pk}/done/", {"note": "工资已付清"}, follow=True)
    signed = act(client_as(caseworker), dossier, "sign_off", petitioner_stopped="on", note="已息诉罢访")
    closed = act(client_as(leader), dossier, "close", note="同意销号")

    done = Dossier.objects.get(pk=dossier.pk)
    assert list(done.owners.values_list("user", "role")) == [(leader.pk, "primary")]
    assert done.members.get().user == unit_officer and done.facts_commitment == "查清欠薪事实"
    assert Escalation.objects.get(pk=escalation.pk).outcome == "由市自然资源局牵头确权"
    assert Measure.objects.get(pk=measure.pk).done_note == "工资已付清"
    assert (done.stage, done.progress, done.closed_by) == ("closed", 100, leader)
    assert done.sign_offs.get().petitioner_stopped
    assert "化解方案已生效" in started.content.decode()
    assert "提级会审" in escalated.content.decode()
    assert "待包案领导审批销号" in signed.content.decode()
    assert "已审批销号" in closed.content.decode()
    assert 'data-action="' not in closed.content.decode()  # a closed dossier offers nothing more


def test_starting_with_gaps_is_refused_in_chinese_and_changes_nothing(client_as, caseworker, dossier):
    response = act(client_as(caseworker), dossier, "start")

    assert response.status_code == 200
    assert "化解方案尚不完整，还缺：" in response.content.decode()
    assert stage(dossier) == "opened"


def test_closing_by_a_leader_who_does_not_own_the_dossier_is_refused(client_as, deputy, resolved):
    response = act(client_as(deputy), resolved, "close", note="同意")

    assert "销号须由包案领导审批" in response.content.decode()
    assert stage(resolved) == "resolved"


def test_a_form_error_names_the_field_and_an_unknown_action_is_404(client_as, caseworker, resolving):
    client = client_as(caseworker)

    bad = act(client, resolving, "progress", progress=150, note="x")
    unknown = client.post(f"/dossiers/{resolving.pk}/act/explode/", {})

    assert "记录化解进度未完成" in bad.content.decode() and "化解进度" in bad.content.decode()
    assert Dossier.objects.get(pk=resolving.pk).progress == 0
    assert unknown.status_code == 404


def test_a_task_force_member_is_removed_from_the_page(client_as, caseworker, resolving, unit_officer):
    member = resolving.members.get(user=unit_officer)
    response = client_as(caseworker).post(f"/dossiers/members/{member.pk}/remove/", follow=True)
    assert "已退出专班" in response.content.decode() and not resolving.members.exists()


def test_a_measure_owner_of_another_unit_cannot_mark_someone_elses_measure(client_as, commissioner, resolving):
    response = client_as(commissioner).post(f"/dossiers/measures/{resolving.measure.pk}/done/", follow=True)
    assert "没有执行此操作的权限" in response.content.decode()
    assert Measure.objects.get(pk=resolving.measure.pk).done_at is None


# The printed file ------------------------------------------------------------------------------------------

def test_the_print_view_holds_the_case_number_the_measures_and_the_timeline(client_as, caseworker, resolving):
    html = client_as(caseworker).get(f"/dossiers/{resolving.pk}/print/").content.decode()

    assert resolving.case.number in html
    assert "督促施工方支付工资" in re.search(r'data-testid="file-measures".*?</table>', html, re.S).group(0)
    timeline = re.search(r'data-testid="file-timeline".*?</table>', html, re.S).group(0)
    assert "化解方案生效" in timeline and "多年重复信访" in timeline
    assert "app-navbar" not in html and "Noto Sans CJK SC" in html


def test_the_pdf_is_a_pdf_whose_text_holds_the_case_number(client_as, caseworker, resolving):
    from pypdf import PdfReader

    response = client_as(caseworker).get(f"/dossiers/{resolving.pk}/file.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''%E7%A7%AF%E6%A1%88%E6%A1%A3%E6%A1%88" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert resolving.case.number in text


def test_another_countys_caseworker_gets_404_on_the_dossier_its_file_and_its_actions(client_as, other_caseworker,
                                                                                     dossier):
    client = client_as(other_caseworker)

    assert client.get(f"/dossiers/{dossier.pk}/").status_code == 404
    assert client.get(f"/dossiers/{dossier.pk}/print/").status_code == 404
    assert client.get(f"/dossiers/{dossier.pk}/file.pdf").status_code == 404
    assert client.post(f"/dossiers/{dossier.pk}/act/plan/", {"plan": "x"}).status_code == 404
    assert dossier.case.number not in client.get("/dossiers/").content.decode()


# 揭榜挂帅 and a cadre's record -------------------------------------------------------------------------------------

def test_a_listing_published_claimed_approved_and_closed_earns_the_cadre_points(client_as, county_admin, commissioner,
                                                                                leader, caseworker, unit_officer,
                                                                                resolving):
    published = act(client_as(county_admin), resolving, "publish", points=20, claim_days=60, note="欠薪积案")
    listing = Listing.objects.get(dossier=resolving)
    board = client_as(commissioner).get("/dossiers/listings/").content.decode()
    claimed = client_as(commissioner).post(f"/dossiers/listings/{listing.pk}/claim/",
                                           {"kind": "self", "statement": "一个月内化解"}, follow=True)
    claim = Claim.objects.get(listing=listing)
    approved = client_as(leader).post(f"/dossiers/claims/{claim.pk}/decide/", {"approve": "1"}, follow=True)

    assert "已列入揭榜挂帅榜单（20分，60天）" in published.content.decode()
    assert f'data-listing="{listing.pk}"' in board and "我要揭榜" in board
    assert "等待领导审批" in claimed.content.decode()
    assert "已批准孙专员揭榜" in approved.content.decode()
    assert (Claim.objects.get(pk=claim.pk).status, Listing.objects.get(pk=listing.pk).status) == ("approved",
                                                                                                  "claimed")

    ds.measure_done(actor=unit_officer, measure=resolving.measure)
    ds.sign_off(actor=caseworker, dossier=resolving, petitioner_stopped=True, note="验收通过")
    act(client_as(leader), resolving, "close")
    record = client_as(caseworker).get(f"/dossiers/cadres/{commissioner.pk}/").content.decode()

    assert PointEntry.objects.get(user=commissioner, rule="listing_finished").points == 20
    # and as the task force's head, 10 × 1.5 (a backlog case) for resolving it
    assert re.search(r'data-testid="total-points">35<', record)
    assert resolving.case.number in record


def test_a_claim_by_someone_without_the_permission_is_refused_and_an_admin_withdraws(client_as, county_admin,
                                                                                     leader, dossier):
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)

    refused = client_as(leader).post(f"/dossiers/listings/{listing.pk}/claim/",
                                     {"kind": "self", "statement": "我来"}, follow=True)
    withdrawn = client_as(county_admin).post(f"/dossiers/listings/{listing.pk}/withdraw/", follow=True)

    assert "没有执行此操作的权限" in refused.content.decode() and not Claim.objects.exists()
    assert "已撤榜" in withdrawn.content.decode()
    assert Listing.objects.get(pk=listing.pk).status == "withdrawn"


def test_a_cadre_of_another_county_is_404(client_as, caseworker, other_caseworker):
    assert client_as(caseworker).get(f"/dossiers/cadres/{other_caseworker.pk}/").status_code == 404


# Designation and the county's rules ------------------------------------------------------------------------

def test_the_designate_form_on_the_case_page_creates_the_dossier(client_as, leader, case):
    client = client_as(leader)
    before = client.get(f"/cases/{case.pk}/").content.decode()

    response = client.post(f"/dossiers/designate/{case.pk}/", {"reason": "多年重复信访"}, follow=True)
    after = client.get(f"/cases/{case.pk}/").content.decode()

    dossier = Dossier.objects.get(case=case)
    assert 'data-testid="designate-form"' in before
    assert response.redirect_chain[-1][0] == f"/dossiers/{dossier.pk}/"
    assert (dossier.source, dossier.reason) == ("designated", "多年重复信访")
    assert f'href="/dossiers/{dossier.pk}/"' in after and 'data-testid="designate-form"' not in after


def test_designation_without_a_reason_is_refused_on_the_case_page(client_as, leader, case):
    response = client_as(leader).post(f"/dossiers/designate/{case.pk}/", {"reason": ""}, follow=True)
    assert "指定积案未完成" in response.content.decode() and not Dossier.objects.exists()


def test_a_case_from_above_and_a_whole_batch_become_backlog_from_the_pages(client_as, caseworker, register):
    single = register(channel="from_above", upper_source="city", upper_batch="市交办2026-11")
    batch = [register(channel="from_above", upper_source="central", upper_batch="2026年第3批") for _ in range(2)]
    client = client_as(caseworker)

    assert 'data-testid="from-above-form"' in client.get(f"/cases/{single.pk}/").content.decode()
    client.post(f"/dossiers/from-above/{single.pk}/", follow=True)
    response = client.post("/dossiers/batch/", {"upper_source": "central", "batch": "2026年第3批"}, follow=True)
    again = client.post("/dossiers/batch/", {"upper_source": "central", "batch": "2026年第3批"})

    assert Dossier.objects.get(case=single).source_batch == "市交办2026-11"
    assert set(Dossier.objects.filter(source_batch="2026年第3批").values_list("case", flat=True)) == {
        c.pk for c in batch}
    assert "已为“2026年第3批”的2件事项建立积案档案" in response.content.decode()
    assert again.status_code == 404 and "该批次没有可建档的信访事项" in again.content.decode()


def test_the_county_admin_sets_the_backlog_rules(client_as, county_admin, county):
    response = client_as(county_admin).post("/settings/backlog/", {
        "dual_owner_sources": ["city", "central"], "claim_days": 45, "claim_points": 15, "reason": "联席会议决定"},
        follow=True)

    rules = ds.settings_for(county.region)
    assert "已保存信访积案规则第1版" in response.content.decode()
    assert (sorted(rules.dual_owner_sources), rules.claim_days, rules.claim_points) == (["central", "city"], 45, 15)


def test_the_backlog_rules_refuse_a_bad_number(client_as, county_admin, county):
    response = client_as(county_admin).post("/settings/backlog/", {"claim_days": 400, "claim_points": 15,
                                                                   "reason": "试"})
    assert response.status_code == 400 and ds.settings_for(county.region).claim_days == 90


def test_a_plan_edited_meanwhile_by_a_colleague_is_not_saved_over(client_as, api_as, caseworker, dossier):
    opened_at = dossier.version
    ds.plan_update(actor=caseworker, dossier=dossier, plan="同事的方案", facts="", difficulty="", persuasion="")

    page = act(client_as(caseworker), dossier, "plan", plan="我的方案", facts="", difficulty="", persuasion="",
               version=opened_at).content.decode()
    assert "积案已被他人修改" in page
    answer = api_as(caseworker).post(f"/api/v1/dossiers/{dossier.pk}/plan/", {"plan": "我的方案", "version": opened_at},
                                     format="json")
    assert (answer.status_code, answer.json()["code"]) == (409, "stale_version")
    assert Dossier.objects.get(pk=dossier.pk).plan == "同事的方案"

    current = Dossier.objects.get(pk=dossier.pk).version
    act(client_as(caseworker), dossier, "plan", plan="我的方案", facts="", difficulty="", persuasion="",
        version=current)
    assert Dossier.objects.get(pk=dossier.pk).plan == "我的方案"
