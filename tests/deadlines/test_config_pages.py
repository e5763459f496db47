"""A county admin sets the deadline rules and the working-day calendar in the product: the rules pages (county
settings) show what governs which cases and how days are counted; every save is the next version, and a case keeps
the rule set it was registered under; the calendar shows each day and why, takes the county's own days and the
years still to enter.
"""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from tests.factories import add_rule_set, set_milestone
from tests.rules.pages import form_data
from xinfang.rules.models import RulesVersion
from xinfang.rules.selectors import rules_for
from xinfang.workdays.models import CalendarDay, CalendarYear

from .conftest import at

pytestmark = pytest.mark.django_db

RULES = "/settings/deadlines/"
CALENDAR = "/deadlines/calendar/"


@pytest.fixture(autouse=True)
def november_2026():
    """Today is Friday 20 November 2026: the package knows 2026, nobody has entered 2027 yet."""
    with time_machine.travel(at("2026-11-20"), tick=False):
        yield


def html(response) -> str:
    return response.content.decode()


def milestone_values(county, code="meet", rule_set=1) -> dict:
    """A milestone as the county's deadline rules in force have it."""
    values = rules_for(county.region, "deadlines").rule_sets
    return next(m for m in next(r for r in values if r["key"] == rule_set)["milestones"] if m["code"] == code)


def cell(page: str, day: str) -> tuple[bool, str, str]:
    """One day of the calendar grid: whether it is worked, where that comes from, and what the cell says."""
    match = re.search(rf'data-date="{day}" data-workday="(\d)" data-source="(\w+)">(.*?)</td>', page, re.S)
    assert match, f"{day} is not in the grid"
    return match[1] == "1", match[2], " ".join(re.sub(r"<[^>]+>", " ", match[3]).split())


# The rules pages (county settings, /settings/deadlines/) -------------------------------------------------------

def record_url(path: str) -> str:
    return f"{RULES}records/{path}/"


def post_form(client, url: str, testid: str = "record-form", **changes):
    """Post the form of ``url`` as the page fills it, with ``changes`` (None unticks a box or empties a field)."""
    form = form_data(html(client.get(url)), testid)
    form.update({"reason": "县信访联席会议决定"}, **{k: v for k, v in changes.items() if v is not None})
    for name in [k for k, v in changes.items() if v is None]:
        form.pop(name, None)
    return client.post(url, form, follow=True)


def test_the_admin_sees_the_default_milestones_and_how_days_are_counted(client_as, county_admin):
    client = client_as(county_admin)
    page = html(client.get(RULES))
    assert "信访工作条例（默认）" in page and "适用：其他规则都不适用的事项" in page

    rule_set = html(client.get(record_url("rule_sets/1")))
    for name in ("决定是否受理", "3日内见面", "7日内反馈", "21日内办结", "60日内办结"):
        assert name in rule_set
    assert "交办 → 见面 · 3 自然日" in rule_set
    assert "民法典》第二百零一条、第二百零三条" in rule_set
    assert "次日为第1天" in rule_set and "调休" in rule_set
    assert "正在办理的事项继续按登记时的版本计时" in rule_set


def test_the_old_addresses_lead_to_the_settings(client_as, county_admin):
    client = client_as(county_admin)

    assert client.get("/deadlines/rules/").url == RULES
    assert client.get("/deadlines/rules/7/milestones/meet/").url == RULES


def test_the_rules_page_reads_as_many_queries_for_four_rule_sets_and_their_history_as_for_one(
        client_as, county_admin, county, django_assert_num_queries):
    client = client_as(county_admin)
    add_rule_set(county_admin, county.region, {"name": "领导接访事项", "priority": 10})
    with CaptureQueriesContext(connection) as captured:
        client.get(RULES)
    one = len(captured)
    for name in ("中央交办事项", "征地拆迁"):
        add_rule_set(county_admin, county.region, {"name": name, "priority": 10})
    set_milestone(county_admin, county.region, "meet", {"is_active": False})

    with django_assert_num_queries(one):
        page = html(client.get(RULES))
    assert page.count('data-testid="record"') == 4


def test_a_caseworker_reads_the_rules_without_edit_buttons(client_as, caseworker, county):
    client = client_as(caseworker)
    page = html(client.get(RULES))
    rule_set = html(client.get(record_url("rule_sets/1")))

    assert "信访工作条例（默认）" in page and "3日内见面" in rule_set
    assert 'data-testid="record-form"' not in rule_set and 'data-testid="add-rule_sets"' not in page
    meet = html(client.get(record_url("rule_sets/1/milestones/meet")))
    shown = re.search(r'data-testid="record-shown">(.*?)</dl>', meet, re.S)[1]
    assert "起算事件</dt><dd class=\"col-7\">交办" in shown and "计算方式</dt><dd class=\"col-7\">自然日" in shown
    assert client.get(record_url("rule_sets/1/milestones")).status_code == 403  # nothing to read on an add page
    assert client.post(record_url("rule_sets/1/milestones/meet"), {"reason": "x"}).status_code == 403
    assert client.get(CALENDAR).status_code == 403


def test_a_unit_officer_may_see_neither_page(client_as, unit_officer):
    client = client_as(unit_officer)

    assert client.get(RULES).status_code == 403
    assert client.get(CALENDAR).status_code == 403


def test_a_rule_set_or_milestone_that_does_not_exist_is_not_found(client_as, county_admin):
    client = client_as(county_admin)

    assert client.get(record_url("rule_sets/9")).status_code == 404
    assert client.get(record_url("rule_sets/1/milestones/nothing")).status_code == 404
    assert client.get(record_url("no_such_list")).status_code == 404


# Milestones -----------------------------------------------------------------------------------------------

def test_switching_off_a_rule_a_case_runs_under_is_a_new_version_and_the_case_keeps_its_own(
        client_as, county_admin, county, case, register):
    version_1 = case.rule_set

    response = post_form(client_as(county_admin), record_url("rule_sets/1/milestones/meet"), is_active=None)

    assert "已保存时限规则第1版" in html(response)
    assert "3日内见面" in html(response) and "停用" in html(response)
    assert version_1.milestones.get(code="meet").is_active
    assert Case.objects.get(pk=case.pk).rule_set == version_1
    later = register(summary="另一件来信")
    assert later.rule_set.version == 2 and not later.rule_set.milestones.get(code="meet").is_active


def test_the_admin_changes_a_milestone_to_working_days_with_a_percentage_warning(client_as, county_admin, county):
    client = client_as(county_admin)

    response = post_form(client, record_url("rule_sets/1/milestones/meet"), name="2个工作日内见面", days="2",
                         day_kind="working", warn_percent="50")

    meet = milestone_values(county)
    assert (meet["name"], meet["days"], meet["day_kind"], meet["warn_percent"]) == ("2个工作日内见面", 2, "working", 50)
    assert "2个工作日内见面" in html(response) and "2 工作日" in html(response) and "已用50%" in html(response)
    history = html(client.get(RULES))
    assert "时限节点 · 2个工作日内见面 · 时限" in history and "3天 → <strong>2天</strong>" in history


@pytest.mark.parametrize(("changes", "message"), [
    ({"days": "0"}, "时限应在1至365之间"),
    ({"end_event": "assigned"}, "起算事件和完成事件不能相同"),
    ({"warn_percent": "120"}, "黄牌：已用时限比例应在1至99之间"),
])
def test_bad_milestone_input_shows_a_chinese_error_and_changes_nothing(client_as, county_admin, county, case,
                                                                       changes, message):
    response = post_form(client_as(county_admin), record_url("rule_sets/1/milestones/meet"), **changes)

    assert response.status_code == 400
    assert message in html(response)
    assert not RulesVersion.objects.filter(group="deadlines").exists()
    assert case.rule_set.milestones.get(code="meet").days == 3


def test_the_admin_adds_a_milestone_with_a_code_of_its_own(client_as, county_admin, county):
    client = client_as(county_admin)
    form = {"code": "visit_back", "name": "答复后上门回访", "start_event": "replied", "end_event": "closed",
            "days": "10", "day_kind": "working", "applies_to": "all", "party": "office", "warn_days": "2",
            "sort_order": "90", "is_active": "on", "restart_on_reassign": "on", "reason": "联席会议决定",
            "base_version": "0"}

    response = client.post(record_url("rule_sets/1/milestones"), form, follow=True)

    added = milestone_values(county, "visit_back")
    assert (added["days"], added["day_kind"], added["party"]) == (10, "working", "office")
    assert "答复后上门回访" in html(response) and "答复 → 办结" in html(response)
    taken = client.post(record_url("rule_sets/1/milestones"), {**form, "code": "meet", "base_version": "1"})
    assert taken.status_code == 400 and "已有这个代码" in html(taken)


# Rule sets ------------------------------------------------------------------------------------------------

def test_the_admin_creates_a_stricter_rule_set_for_leader_receptions(client_as, county_admin, county, register):
    client = client_as(county_admin)

    response = client.post(record_url("rule_sets"), {
        "name": "领导接访事项", "priority": "10", "channels": ["leader_reception"], "escalate_after_days": "1",
        "reason": "领导接访件从严", "base_version": "0"}, follow=True)
    post_form(client, record_url("rule_sets/2/milestones/handle"), name="30日内办结", days="30")

    assert "已保存时限规则第1版" in html(response)
    page = html(client.get(RULES))
    assert "领导接访事项" in page and "适用：领导接访" in page and "红牌1个工作日未办理升级督办" in page
    assert "30日内办结" in html(client.get(record_url("rule_sets/2")))
    strict = register(channel="leader_reception").rule_set
    assert (strict.lineage, strict.name, strict.escalate_after_days) == (2, "领导接访事项", 1)
    assert strict.milestones.get(code="handle").days == 30
    assert register(channel="letter").rule_set.lineage == 1


def test_a_rule_set_without_a_name_is_refused(client_as, county_admin, county):
    response = client_as(county_admin).post(record_url("rule_sets"), {
        "name": " ", "priority": "10", "escalate_after_days": "3", "reason": "新规则", "base_version": "0"})

    assert response.status_code == 400
    assert "请填写规则名称" in html(response)
    assert not RulesVersion.objects.filter(group="deadlines").exists()


def test_narrowing_the_default_rule_set_leaves_the_case_under_it_alone(client_as, county_admin, county, case,
                                                                        categories):
    version_1 = case.rule_set

    response = post_form(client_as(county_admin), record_url("rule_sets/1"), categories=[categories["land"].pk],
                         escalate_after_days="5")

    assert "已保存时限规则第1版" in html(response)
    (rule_set,) = RulesVersion.objects.get(group="deadlines").values["rule_sets"]
    assert (rule_set["categories"], rule_set["escalate_after_days"]) == ([str(categories["land"].pk)], 5)
    assert list(version_1.categories.all()) == [] and version_1.escalate_after_days == 3


def test_the_default_rule_set_cannot_be_removed(client_as, county_admin):
    response = client_as(county_admin).post(f"{RULES}remove/rule_sets/1/", {"reason": "试试"}, follow=True)

    assert "默认规则" in html(response) and "不能删除" in html(response)
    assert not RulesVersion.objects.filter(group="deadlines").exists()


def test_removing_a_rule_set_is_a_new_version_and_its_cases_keep_it(client_as, county_admin, county, register):
    key = add_rule_set(county_admin, county.region, {"name": "领导接访事项", "priority": 10,
                                                      "channels": ["leader_reception"]})
    strict_case = register(channel="leader_reception")

    response = client_as(county_admin).post(f"{RULES}remove/rule_sets/{key}/", {"reason": "并入默认规则"},
                                            follow=True)

    assert "已删除，保存为时限规则第2版" in html(response)
    assert Case.objects.get(pk=strict_case.pk).rule_set.lineage == key
    assert register(channel="leader_reception", summary="又一件").rule_set.lineage == 1


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

    warning = page.split('data-testid="year-2027" data-state="unknown"')[1].split("</li>")[0]
    assert "目前有 1 个正在计时的节点标记为“日历未确认”" in warning
    assert "disabled" in warning  # nothing entered for 2027 yet: there is nothing to confirm


def test_confirming_2027_once_its_days_are_entered_removes_the_warning(client_as, county_admin, county):
    client = client_as(county_admin)
    client.post("/deadlines/calendar/days/", {"date": "2027-02-08", "is_workday": "0", "name": "春节"})
    assert 'data-testid="year-2027" data-state="unknown"' in html(client.get(CALENDAR))

    response = client.post("/deadlines/calendar/years/", {"year": "2027"}, follow=True)

    assert "已确认 2027 年的工作日历" in html(response)
    assert 'data-state="unknown"' not in html(response)
    assert CalendarYear.objects.get(county=county.region).confirmed_by == county_admin
    confirmed = html(response).split('data-testid="year-2027" data-state="confirmed"')[1].split("</li>")[0]
    assert "本县已手工录入并确认" in confirmed and "本县录入 1 天，赵管理 于" in confirmed
