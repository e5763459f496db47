"""A county admin sets the deadline rules and the working-day calendar in the product: the rules page shows what
governs which cases and how days are counted; edits go through the services, so a version in use is kept and a
new one published; the calendar shows each day and why, takes the county's own days and the years still to enter.
"""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from deadlines.models import Milestone, RuleSet
from deadlines.services import default_rule_set
from xinfang.workdays.models import CalendarDay, CalendarYear

from .conftest import at

pytestmark = pytest.mark.django_db

RULES = "/deadlines/rules/"
CALENDAR = "/deadlines/calendar/"


@pytest.fixture(autouse=True)
def november_2026():
    """Today is Friday 20 November 2026: the package knows 2026, nobody has entered 2027 yet."""
    with time_machine.travel(at("2026-11-20"), tick=False):
        yield


def html(response) -> str:
    return response.content.decode()


def milestone_url(rule_set, code, action=""):
    return f"/deadlines/rules/{rule_set.pk}/milestones/{code}/{action}"


def milestone_form(milestone: Milestone, **changes) -> dict:
    """The edit form as the page fills it for ``milestone``, with ``changes``."""
    form = {
        "name": milestone.name, "start_event": milestone.start_event, "end_event": milestone.end_event,
        "days": milestone.days, "day_kind": milestone.day_kind, "applies_to": milestone.applies_to,
        "party": milestone.party, "warn_days": milestone.warn_days, "warn_percent": milestone.warn_percent or "",
        "sort_order": milestone.sort_order,
        **{name: "on" for name in ("extendable", "restart_on_reassign", "second_red", "is_active")
           if getattr(milestone, name)},
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def cell(page: str, day: str) -> tuple[bool, str, str]:
    """One day of the calendar grid: whether it is worked, where that comes from, and what the cell says."""
    match = re.search(rf'data-date="{day}" data-workday="(\d)" data-source="(\w+)">(.*?)</td>', page, re.S)
    assert match, f"{day} is not in the grid"
    return match[1] == "1", match[2], " ".join(re.sub(r"<[^>]+>", " ", match[3]).split())


# The rules page -------------------------------------------------------------------------------------------

def test_the_admin_sees_the_default_milestones_and_how_days_are_counted(client_as, county_admin):
    page = html(client_as(county_admin).get(RULES))

    for name in ("决定是否受理", "3日内见面", "7日内反馈", "21日内办结", "60日内办结"):
        assert name in page
    assert "交办 → 见面" in page and "3 自然日" in page
    assert "民法典》第二百零一条、第二百零三条" in page
    assert "次日为第1天" in page and "调休" in page
    assert "正在办理的事项继续按原版本计时" in page
    assert "修改适用条件" in page


def test_the_rules_page_reads_as_many_queries_for_four_rule_sets_and_their_history_as_for_one(
        client_as, county_admin, county, case, django_assert_num_queries):
    client = client_as(county_admin)
    with CaptureQueriesContext(connection) as captured:
        client.get(RULES)
    one = len(captured)  # now: the log is reset by the next request
    for name in ("领导接访事项", "中央交办事项", "征地拆迁"):
        client.post("/deadlines/rules/new/", {"name": name, "priority": "10", "escalate_after_days": "3"})
    client.post(milestone_url(case.rule_set, "meet", "toggle/"))  # publishes version 2 of the default

    with django_assert_num_queries(one):
        page = html(client.get(RULES))
    assert page.count('data-testid="rule-set"') == 4 and "历史版本（1个）" in page


def test_a_caseworker_reads_the_rules_without_edit_buttons(client_as, caseworker, county):
    client = client_as(caseworker)
    page = html(client.get(RULES))
    rule_set = default_rule_set(county.region)

    assert "3日内见面" in page
    assert "修改适用条件" not in page and "/toggle/" not in page
    assert client.get(milestone_url(rule_set, "meet")).status_code == 403
    assert client.post(milestone_url(rule_set, "meet", "toggle/")).status_code == 403
    assert client.get(CALENDAR).status_code == 403


def test_a_unit_officer_may_see_neither_page(client_as, unit_officer):
    client = client_as(unit_officer)

    assert client.get(RULES).status_code == 403
    assert client.get(CALENDAR).status_code == 403


def test_another_county_s_rule_set_is_not_found(client_as, county_admin, other_county):
    theirs = default_rule_set(other_county.region)
    client = client_as(county_admin)

    assert client.get(f"/deadlines/rules/{theirs.pk}/edit/").status_code == 404
    assert client.get(milestone_url(theirs, "meet")).status_code == 404
    assert client.post(milestone_url(theirs, "meet", "toggle/")).status_code == 404
    assert Milestone.objects.get(rule_set=theirs, code="meet").is_active


# Milestones -----------------------------------------------------------------------------------------------

def test_the_admin_switches_the_3_7_21_rule_off_in_the_version_no_case_uses_yet(client_as, county_admin, county):
    client = client_as(county_admin)
    rule_set = default_rule_set(county.region)

    for code in ("meet", "feedback", "close21"):
        response = client.post(milestone_url(rule_set, code, "toggle/"), follow=True)

    assert "已停用节点“21日内办结”" in html(response)
    assert "已发布" not in html(response)
    assert RuleSet.objects.filter(county=county.region).count() == 1
    assert set(Milestone.objects.filter(rule_set=rule_set, is_active=False).values_list("code", flat=True)) == {
        "meet", "feedback", "close21"}


def test_switching_off_a_rule_a_case_runs_under_publishes_version_2_and_the_case_keeps_version_1(
        client_as, county_admin, county, case):
    version_1 = case.rule_set

    response = client_as(county_admin).post(milestone_url(version_1, "meet", "toggle/"), follow=True)

    version_2 = RuleSet.objects.get(county=county.region, is_current=True)
    assert version_2.version == 2 and version_2.lineage == version_1.lineage
    assert "已发布第2版，正在办理的事项继续按原版本计时" in html(response)
    assert not version_2.milestones.get(code="meet").is_active
    assert version_1.milestones.get(code="meet").is_active
    assert Case.objects.get(pk=case.pk).rule_set == version_1
    assert "历史版本（1个）" in html(response) and "1件事项仍按此版本计时" in html(response)


def test_the_admin_changes_a_milestone_to_working_days_with_a_percentage_warning(client_as, county_admin, county):
    client = client_as(county_admin)
    rule_set = default_rule_set(county.region)
    meet = rule_set.milestones.get(code="meet")

    assert "3日内见面" in html(client.get(milestone_url(rule_set, "meet")))
    response = client.post(milestone_url(rule_set, "meet"), milestone_form(
        meet, name="2个工作日内见面", days=2, day_kind="working", warn_percent=50), follow=True)

    meet.refresh_from_db()
    assert (meet.name, meet.days, meet.day_kind, meet.warn_percent) == ("2个工作日内见面", 2, "working", 50)
    assert "已保存节点“2个工作日内见面”" in html(response)
    assert "2 工作日" in html(response) and "已用50%" in html(response)


@pytest.mark.parametrize(("changes", "message"), [
    ({"days": 0}, "时限应在1至365天之间"),
    ({"end_event": "assigned"}, "起算事件和完成事件不能相同"),
    ({"warn_percent": 120}, "黄牌比例应在1%至99%之间"),
])
def test_bad_milestone_input_shows_a_chinese_error_and_changes_nothing(client_as, county_admin, county, case,
                                                                       changes, message):
    rule_set = case.rule_set  # in use: a save that went through would publish version 2
    meet = rule_set.milestones.get(code="meet")

    response = client_as(county_admin).post(milestone_url(rule_set, "meet"), milestone_form(meet, **changes))

    assert response.status_code == 400
    assert message in html(response)
    assert RuleSet.objects.filter(county=county.region).count() == 1
    meet.refresh_from_db()
    assert (meet.days, meet.end_event, meet.warn_percent) == (3, "met", None)


def test_the_admin_adds_a_milestone_with_a_code_of_its_own(client_as, county_admin, county):
    client = client_as(county_admin)
    rule_set = default_rule_set(county.region)
    form = {"code": "visit_back", "name": "答复后回访", "start_event": "replied", "end_event": "closed", "days": "10",
            "day_kind": "working", "applies_to": "all", "party": "office", "warn_days": "2", "sort_order": "90",
            "is_active": "on"}

    response = client.post(f"/deadlines/rules/{rule_set.pk}/add-milestone/", form, follow=True)

    added = rule_set.milestones.get(code="visit_back")
    assert (added.days, added.day_kind, added.party) == (10, "working", "office")
    assert "已添加节点“答复后回访”" in html(response) and "答复 → 办结" in html(response)
    taken = client.post(f"/deadlines/rules/{rule_set.pk}/add-milestone/", {**form, "code": "meet"})
    assert taken.status_code == 400 and "同一规则中节点代码不能重复" in html(taken)


# Rule sets ------------------------------------------------------------------------------------------------

def test_the_admin_creates_a_stricter_rule_set_for_leader_receptions(client_as, county_admin, county, register):
    client = client_as(county_admin)
    client.get(RULES)

    response = client.post("/deadlines/rules/new/", {
        "name": "领导接访事项", "priority": "10", "channels": ["leader_reception"], "escalate_after_days": "1"},
        follow=True)
    strict = RuleSet.objects.get(county=county.region, name="领导接访事项")
    handle = strict.milestones.get(code="handle")
    client.post(milestone_url(strict, "handle"), milestone_form(handle, name="30日内办结", days=30))

    assert "已新建规则“领导接访事项”" in html(response)
    assert (strict.channels, strict.escalate_after_days, strict.version) == (["leader_reception"], 1, 1)
    page = html(client.get(RULES))
    assert "领导接访事项" in page and "30日内办结" in page and "红牌超过1个工作日仍未办理" in page
    assert register(channel="leader_reception").rule_set == strict
    assert register(channel="letter").rule_set == default_rule_set(county.region)


def test_a_rule_set_without_a_name_is_refused(client_as, county_admin, county):
    response = client_as(county_admin).post("/deadlines/rules/new/", {"name": " ", "priority": "10",
                                                                      "escalate_after_days": "3"})

    assert response.status_code == 400
    assert "该字段是必填项" in html(response)
    assert not RuleSet.objects.filter(county=county.region).exclude(lineage=1).exists()


def test_narrowing_a_rule_set_in_use_publishes_a_new_version(client_as, county_admin, county, case, categories):
    version_1 = case.rule_set

    response = client_as(county_admin).post(f"/deadlines/rules/{version_1.pk}/edit/", {
        "name": version_1.name, "priority": "1000", "categories": [categories["land"].pk],
        "escalate_after_days": "5"}, follow=True)

    version_2 = RuleSet.objects.get(county=county.region, is_current=True)
    assert "已发布第2版" in html(response)
    assert list(version_2.categories.all()) == [categories["land"]] and version_2.escalate_after_days == 5
    assert list(version_1.categories.all()) == []


def test_an_older_version_s_edit_page_leads_to_the_current_version(client_as, county_admin, county, case):
    client = client_as(county_admin)
    version_1 = case.rule_set
    client.post(milestone_url(version_1, "meet", "toggle/"))
    version_2 = RuleSet.objects.get(county=county.region, is_current=True)

    response = client.get(milestone_url(version_1, "meet"))

    assert response.status_code == 302 and response.url == milestone_url(version_2, "meet")


# The calendar ---------------------------------------------------------------------------------------------

def test_the_spring_festival_2026_shows_as_rest_days_and_14_february_as_a_make_up_working_day(client_as,
                                                                                               county_admin):
    page = html(client_as(county_admin).get(CALENDAR, {"month": "2026-02"}))

    assert "2026年2月" in page
    for day in range(15, 24):
        assert cell(page, f"2026-02-{day}") == (False, "holiday", f"{day} 休 春节")
    assert cell(page, "2026-02-14") == (True, "makeup", "14 班 调休上班")
    assert cell(page, "2026-02-28") == (True, "makeup", "28 班 调休上班")
    assert cell(page, "2026-02-24") == (True, "workday", "24 班")
    assert cell(page, "2026-02-13") == (True, "workday", "13 班")
    assert "覆盖 2004—2026 年" in page


def test_a_year_the_package_does_not_know_is_marked_unconfirmed(client_as, county_admin):
    page = html(client_as(county_admin).get(CALENDAR, {"month": "2027-02"}))

    assert cell(page, "2027-02-10") == (True, "unconfirmed", "10 班 未确认")
    assert cell(page, "2027-02-13") == (False, "unconfirmed", "13 休 未确认")  # a Saturday: weekends only


def test_an_added_override_appears_in_the_grid_and_in_the_list(client_as, county_admin, county):
    response = client_as(county_admin).post("/deadlines/calendar/days/", {
        "date": "2026-11-23", "is_workday": "0", "name": "县庆放假"}, follow=True)

    page = html(response)
    assert "已将 2026-11-23 设为休息日" in page
    assert cell(page, "2026-11-23") == (False, "override", "23 休 本县 县庆放假")
    overrides = page.split('data-testid="overrides"')[1]
    assert "2026-11-23" in overrides and "县庆放假" in overrides
    assert CalendarDay.objects.get(county=county.region).created_by == county_admin


def test_a_date_already_set_shows_the_conflict_and_keeps_the_first(client_as, county_admin, county):
    client = client_as(county_admin)
    client.post("/deadlines/calendar/days/", {"date": "2026-11-23", "is_workday": "0", "name": "县庆放假"})

    response = client.post("/deadlines/calendar/days/", {"date": "2026-11-23", "is_workday": "1", "name": "补班"})

    assert response.status_code == 409
    assert "2026-11-23 已经设置过，请先删除原设置。" in html(response)
    assert CalendarDay.objects.get(county=county.region).name == "县庆放假"


def test_an_override_without_a_name_is_refused(client_as, county_admin, county):
    response = client_as(county_admin).post("/deadlines/calendar/days/", {"date": "2026-11-23", "is_workday": "0"})

    assert response.status_code == 400
    assert not CalendarDay.objects.exists()


def test_deleting_an_override_gives_the_day_back_to_the_national_calendar(client_as, county_admin, county):
    client = client_as(county_admin)
    client.post("/deadlines/calendar/days/", {"date": "2026-11-23", "is_workday": "0", "name": "县庆放假"})

    response = client.post(f"/deadlines/calendar/days/{CalendarDay.objects.get().pk}/delete/", follow=True)

    assert not CalendarDay.objects.exists()
    assert "已删除 2026-11-23 的调整" in html(response)
    assert cell(html(response), "2026-11-23") == (True, "workday", "23 班")


def test_another_county_s_override_cannot_be_deleted(client_as, county_admin, other_county):
    theirs = CalendarDay.objects.create(county=other_county.region, date=at("2026-11-23").date(),
                                        is_workday=False, name="县庆")

    assert client_as(county_admin).post(f"/deadlines/calendar/days/{theirs.pk}/delete/").status_code == 404
    assert CalendarDay.objects.filter(pk=theirs.pk).exists()


def test_the_unconfirmed_year_warning_counts_the_flagged_clocks(client_as, county_admin, register):
    with time_machine.travel(at("2026-12-20"), tick=False):
        register()  # 15 days to decide end on 4 January 2027, a year nobody has entered

    page = html(client_as(county_admin).get(CALENDAR))

    warning = page.split('data-testid="unconfirmed"')[1].split("</ul>")[0]
    assert "2027年" in warning and "目前有 1 个正在计时的节点标记为“日历未确认”" in warning
    assert "disabled" in warning  # nothing entered for 2027 yet: there is nothing to confirm


def test_confirming_2027_once_its_days_are_entered_removes_the_warning(client_as, county_admin, county):
    client = client_as(county_admin)
    client.post("/deadlines/calendar/days/", {"date": "2027-02-08", "is_workday": "0", "name": "春节"})
    assert 'data-testid="unconfirmed"' in html(client.get(CALENDAR))

    response = client.post("/deadlines/calendar/years/", {"year": "2027"}, follow=True)

    assert "已确认 2027 年的工作日历" in html(response)
    assert 'data-testid="unconfirmed"' not in html(response)
    assert CalendarYear.objects.get(county=county.region).confirmed_by == county_admin
    assert "本县已确认手工录入的年份：2027" in html(response)
