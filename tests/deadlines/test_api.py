"""A REST client reads the cards and the overdue board, edits the county's rules and calendar, decides
suspensions, answers supervision letters and reads its notifications; every refusal has a code."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

import workflow
from deadlines import services as ds
from deadlines.models import Milestone, Notification, Supervision, Suspension
from deadlines.rules import DEFAULT_MILESTONES
from tests.factories import make_person
from xinfang.rules.models import RulesVersion
from xinfang.workdays.calendar import package_years
from xinfang.workdays.models import CalendarDay

from .conftest import at

pytestmark = pytest.mark.django_db


def assigned(case, caseworker, unit):
    case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
    return workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=unit)


def overdue(register, caseworker, county, **overrides):
    """A first petition assigned to the housing bureau on Monday 16 November 2026, swept on Friday the 20th: its
    3-day meeting clock (due Thursday) is red."""
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = assigned(register(**overrides), caseworker, county.housing)
    with time_machine.travel(at("2026-11-20"), tick=False):
        workflow.sweep()
    return case


# Cards and the overdue board -----------------------------------------------------------------------------------

def test_a_red_card_appears_in_the_card_list_after_the_sweep(api_as, register, caseworker, county):
    case = overdue(register, caseworker, county)

    body = api_as(caseworker).get("/api/v1/cards/?current=true&colour=red").json()

    meet = [c for c in body["results"] if c["milestone"] == "3日内见面"]
    assert len(meet) == 1
    assert (meet[0]["case_number"], meet[0]["colour"], meet[0]["unit"], meet[0]["due_on"]) == (
        case.number, "red", county.housing.name, "2026-11-19")
    card = api_as(caseworker).get(f"/api/v1/cards/{meet[0]['id']}/")
    assert card.status_code == 200


def test_another_county_s_caseworker_neither_lists_nor_reads_the_card(api_as, register, caseworker,
                                                                      other_caseworker, county):
    overdue(register, caseworker, county)
    card_id = api_as(caseworker).get("/api/v1/cards/").json()["results"][0]["id"]
    api = api_as(other_caseworker)

    assert api.get("/api/v1/cards/").json()["count"] == 0
    response = api.get(f"/api/v1/cards/{card_id}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_card_list_runs_a_fixed_number_of_queries(api_as, register, caseworker, county,
                                                      django_assert_max_num_queries):
    api = api_as(caseworker)
    overdue(register, caseworker, county)
    api.get("/api/v1/cards/")  # warm the caller's permission cache
    for i in range(5):
        overdue(register, caseworker, county, summary=f"另一件来信{i}")

    with django_assert_max_num_queries(3):
        body = api.get("/api/v1/cards/?page_size=100").json()

    assert body["count"] >= 12


def test_the_overdue_board_counts_current_cards_by_unit_and_township(api_as, register, caseworker, county):
    overdue(register, caseworker, county)

    board = api_as(caseworker).get("/api/v1/overdue-board/").json()

    housing = next(row for row in board["by_unit"] if row["unit_id"] == county.housing.pk)
    assert housing["unit_name"] == county.housing.name and housing["n_red"] >= 1
    assert [row["code"] for row in board["by_region"]] == [county.townships[0].code]
    assert board["totals"]["total"] == sum(row["total"] for row in board["by_unit"])


def test_the_overdue_board_is_refused_to_a_unit_officer(api_as, unit_officer):
    response = api_as(unit_officer).get("/api/v1/overdue-board/")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# Rule sets -----------------------------------------------------------------------------------------------------

def save_rules(api, change):
    """The deadline rules are county settings: read them, ``change`` the values, save them as the next version."""
    values = api.get("/api/v1/rules/deadlines/").json()["values"]
    change(values["rule_sets"])
    return api.post("/api/v1/rules/deadlines/", {"values": values, "reason": "联席会议决定"}, format="json")


def milestone(rule_sets, code, key=1) -> dict:
    rule_set = next(r for r in rule_sets if r["key"] == key)
    return next(m for m in rule_set["milestones"] if m["code"] == code)


def switch_off(*codes):
    def change(rule_sets):
        for code in codes:
            milestone(rule_sets, code)["is_active"] = False
    return change


def test_switching_the_3_7_21_rule_off_is_a_new_version_and_the_running_case_keeps_its_rules(
        api_as, county_admin, caseworker, case, register):
    api = api_as(county_admin)

    response = save_rules(api, switch_off("meet", "feedback", "close21"))

    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 1
    assert {c["label"] for c in response.json()["changes"]} == {
        f"时限规则 · 信访工作条例（默认） · 时限节点 · {name} · 启用"
        for name in ("3日内见面", "7日内反馈", "21日内办结")}
    assert all(m.is_active for m in Milestone.objects.filter(rule_set=case.rule_set))  # the case keeps its rules
    later = register(summary="另一件来信")
    compiled = api_as(caseworker).get(f"/api/v1/rule-sets/{later.rule_set_id}/").json()
    assert (compiled["lineage"], compiled["version"]) == (1, 2)
    assert {m["code"] for m in compiled["milestones"] if not m["is_active"]} == {"meet", "feedback", "close21"}


def test_a_save_from_a_stale_page_is_a_409(api_as, county_admin):
    api = api_as(county_admin)
    save_rules(api, switch_off("meet"))

    response = api.post("/api/v1/rules/deadlines/", {"values": {}, "reason": "旧页面", "base_version": 0},
                        format="json")

    assert (response.status_code, response.json()["code"]) == (409, "stale_version")


@pytest.mark.parametrize(("field", "value"), [
    ("days", 0), ("start_event", "pigeon_arrived"), ("warn_percent", 100), ("end_event", "accepted"),
])
def test_bad_milestone_input_is_a_400_naming_the_milestone_and_changes_nothing(api_as, county_admin, case, field,
                                                                               value):
    def change(rule_sets):
        milestone(rule_sets, "handle")[field] = value

    response = save_rules(api_as(county_admin), change)

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "第1条（信访工作条例（默认））" in response.json()["detail"]["rule_sets"][0]
    assert "60日内办结" in response.json()["detail"]["rule_sets"][0]
    assert not RulesVersion.objects.filter(group="deadlines").exists()
    handle = Milestone.objects.get(rule_set=case.rule_set, code="handle")
    assert (handle.days, handle.start_event, handle.warn_percent) == (60, "accepted", None)


def test_a_milestone_without_its_events_or_name_is_refused(api_as, county_admin):
    response = save_rules(api_as(county_admin), lambda rule_sets: rule_sets[0]["milestones"].append(
        {"code": "new_stage", "days": 5}))

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "节点名称" in response.json()["detail"]["rule_sets"][0]


def test_a_county_admin_adds_a_rule_set_and_then_narrows_it(api_as, county_admin, county, categories, register):
    api = api_as(county_admin)

    created = save_rules(api, lambda rule_sets: rule_sets.append(
        {"name": "领导接访件", "priority": 10, "channels": ["leader_reception"]}))
    assert created.status_code == 201, created.json()
    added = created.json()["values"]["rule_sets"][-1]
    assert (added["key"], added["categories"]) == (2, [])
    assert [m["code"] for m in added["milestones"]] == [m[0] for m in DEFAULT_MILESTONES]

    def narrow(rule_sets):
        rule_sets[-1]["categories"] = [str(categories["land"].pk)]

    narrowed = save_rules(api, narrow)
    assert narrowed.status_code == 201, narrowed.json()
    assert narrowed.json()["values"]["rule_sets"][-1]["categories"] == [str(categories["land"].pk)]
    land = register(channel="leader_reception", category=categories["land"])
    assert (land.rule_set.lineage, list(land.rule_set.categories.all())) == (2, [categories["land"]])


def test_the_default_rule_set_cannot_be_removed(api_as, county_admin):
    response = save_rules(api_as(county_admin), lambda rule_sets: rule_sets.clear())

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "默认规则" in response.json()["message"]


def test_a_rule_set_cannot_take_another_county_s_category_or_an_unknown_channel(api_as, county_admin, county,
                                                                                other_categories):
    api = api_as(county_admin)

    foreign = save_rules(api, lambda rule_sets: rule_sets.append(
        {"name": "征地件", "categories": [str(other_categories["land"].pk)]}))
    pigeon = save_rules(api, lambda rule_sets: rule_sets.append({"name": "飞鸽传书", "channels": ["pigeon"]}))

    assert (foreign.status_code, foreign.json()["code"]) == (400, "invalid")
    assert (pigeon.status_code, pigeon.json()["code"]) == (400, "invalid")
    assert not RulesVersion.objects.filter(group="deadlines").exists()


def test_a_caseworker_reads_the_rules_but_may_not_change_them(api_as, caseworker, case):
    api = api_as(caseworker)

    assert api.get("/api/v1/rule-sets/").json()["count"] == 1
    assert api.get("/api/v1/rules/deadlines/").json()["values"]["rule_sets"][0]["name"] == "信访工作条例（默认）"
    response = save_rules(api, switch_off("meet"))
    assert response.status_code == 403
    assert Milestone.objects.get(rule_set=case.rule_set, code="meet").is_active


def test_another_county_s_rule_set_is_a_404(api_as, other_caseworker, case):
    api = api_as(other_caseworker)

    assert api.get(f"/api/v1/rule-sets/{case.rule_set_id}/").status_code == 404
    assert api.get("/api/v1/rule-sets/").json()["count"] == 0


# Suspensions -----------------------------------------------------------------------------------------------------

@pytest.fixture
def suspension(case, caseworker, unit_officer, county):
    case = assigned(case, caseworker, county.housing)
    return ds.suspension_request(actor=unit_officer, case=case, reason="等待信访人补充材料")


def decide(api, suspension, approve=True):
    return api.post(f"/api/v1/suspensions/{suspension.pk}/decide/", {"approve": approve, "note": "同意"},
                    format="json")


def test_a_unit_officer_may_not_decide_a_suspension(api_as, unit_officer, suspension):
    response = decide(api_as(unit_officer), suspension)

    assert response.status_code == 403
    assert Suspension.objects.get(pk=suspension.pk).status == "pending"


def test_a_caseworker_approves_a_suspension_once_and_the_unit_resumes_it(api_as, caseworker, unit_officer,
                                                                         suspension):
    api = api_as(caseworker)

    approved = decide(api, suspension)
    again = decide(api, suspension, approve=False)
    ended = api_as(unit_officer).post(f"/api/v1/suspensions/{suspension.pk}/end/")

    assert (approved.status_code, approved.json()["status"]) == (200, "running")
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")
    assert (ended.status_code, ended.json()["status"]) == (200, "ended")
    assert [s["id"] for s in api.get("/api/v1/suspensions/").json()["results"]] == [suspension.pk]


# Supervision -----------------------------------------------------------------------------------------------------

@pytest.fixture
def letter(case, caseworker, county):
    case = assigned(case, caseworker, county.housing)
    return ds.supervision_issue(actor=caseworker, case=case, kind="letter", content="请于三日内与信访人见面",
                                respond_by=timezone.localdate() + timedelta(days=5))


def test_the_supervised_unit_acknowledges_and_answers_a_letter_once(api_as, unit_officer, letter):
    api = api_as(unit_officer)
    url = f"/api/v1/supervisions/{letter.pk}"

    acknowledged = api.post(f"{url}/acknowledge/")
    responded = api.post(f"{url}/respond/", {"response": "已与信访人见面，正在协调支付"}, format="json")
    again = api.post(f"{url}/respond/", {"response": "再次回复"}, format="json")

    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_at"]
    assert responded.status_code == 200 and responded.json()["response"] == "已与信访人见面，正在协调支付"
    assert (again.status_code, again.json()["code"]) == (409, "already_responded")
    assert Supervision.objects.get(pk=letter.pk).response == "已与信访人见面，正在协调支付"


def test_a_caseworker_of_another_unit_may_not_acknowledge_a_letter(api_as, caseworker, letter):
    response = api_as(caseworker).post(f"/api/v1/supervisions/{letter.pk}/acknowledge/")

    assert (response.status_code, response.json()["code"]) == (403, "not_supervised_unit")
    assert Supervision.objects.get(pk=letter.pk).acknowledged_at is None


def test_an_empty_response_is_a_400(api_as, unit_officer, letter):
    response = api_as(unit_officer).post(f"/api/v1/supervisions/{letter.pk}/respond/", {"response": ""},
                                         format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_supervisions_are_filtered_by_answer(api_as, unit_officer, caseworker, letter):
    api = api_as(caseworker)
    api_as(unit_officer).post(f"/api/v1/supervisions/{letter.pk}/respond/", {"response": "已办理"}, format="json")

    assert api.get("/api/v1/supervisions/?answered=false").json()["count"] == 0
    assert [s["number"] for s in api.get("/api/v1/supervisions/?answered=true").json()["results"]] == [letter.number]


# Notifications -----------------------------------------------------------------------------------------------------

@pytest.fixture
def colleague(county):
    """Another officer of the housing bureau: notified of the same letter."""
    return make_person("sun.officer", county.housing, ["unit_officer"], name="孙承办")


def test_notifications_list_only_the_caller_s_own_and_mark_read_works(api_as, unit_officer, colleague, letter):
    theirs = Notification.objects.get(user=colleague)
    api = api_as(unit_officer)

    listed = api.get("/api/v1/notifications/").json()["results"]
    assert [n["supervision"] for n in listed] == [letter.pk]
    assert letter.number in listed[0]["text"]
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 1}

    marked = api.post("/api/v1/notifications/mark-read/", {"ids": [listed[0]["id"], theirs.pk]}, format="json")

    assert marked.json() == {"marked": 1}  # the colleague's id is not the caller's to mark
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 0}
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert api.get("/api/v1/notifications/?unread=false").json()["count"] == 1
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_read_without_ids_marks_all(api_as, unit_officer, register, caseworker, county):
    overdue(register, caseworker, county)
    api = api_as(unit_officer)
    assert api.get("/api/v1/notifications/unread-count/").json()["count"] >= 1

    api.post("/api/v1/notifications/mark-read/", {}, format="json")

    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 0}


def test_the_notification_list_runs_a_fixed_number_of_queries(api_as, register, caseworker, unit_officer, county,
                                                              django_assert_max_num_queries):
    api = api_as(unit_officer)
    overdue(register, caseworker, county)
    api.get("/api/v1/notifications/")
    for i in range(4):
        overdue(register, caseworker, county, summary=f"另一件来信{i}")

    with django_assert_max_num_queries(3):
        body = api.get("/api/v1/notifications/?page_size=100").json()

    assert body["count"] >= 10
    assert all(n["text"] for n in body["results"])


# The working-day calendar ------------------------------------------------------------------------------------------

def test_a_county_admin_adds_and_removes_a_local_rest_day(api_as, county_admin, county):
    api = api_as(county_admin)

    created = api.post("/api/v1/calendar-days/", {"date": "2026-12-07", "is_workday": False, "name": "县庆放假"},
                       format="json")
    assert created.status_code == 201, created.json()
    assert api.get("/api/v1/calendar-days/check/?date=2026-12-07").json() == {
        "date": "2026-12-07", "is_workday": False, "source": "override"}
    assert [d["name"] for d in api.get("/api/v1/calendar-days/").json()["results"]] == ["县庆放假"]

    deleted = api.delete(f"/api/v1/calendar-days/{created.json()['id']}/")

    assert deleted.status_code == 204
    assert not CalendarDay.objects.exists()
    assert api.get("/api/v1/calendar-days/check/?date=2026-12-07").json() == {
        "date": "2026-12-07", "is_workday": True, "source": "national"}


def test_the_same_date_twice_is_a_409(api_as, county_admin):
    api = api_as(county_admin)
    body = {"date": "2026-12-07", "is_workday": False, "name": "县庆放假"}
    api.post("/api/v1/calendar-days/", body, format="json")

    response = api.post("/api/v1/calendar-days/", {**body, "name": "台风停工"}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "day_exists")
    assert CalendarDay.objects.get().name == "县庆放假"


def test_a_caseworker_checks_a_day_but_may_not_change_the_calendar(api_as, caseworker):
    api = api_as(caseworker)

    created = api.post("/api/v1/calendar-days/", {"date": "2026-12-07", "is_workday": False, "name": "县庆放假"},
                       format="json")

    assert created.status_code == 403
    assert api.get("/api/v1/calendar-days/").status_code == 403
    assert api.get("/api/v1/calendar-days/check/?date=2026-10-01").json()["is_workday"] is False  # 国庆节
    assert api.get("/api/v1/calendar-days/check/?date=2026-13-01").json()["code"] == "invalid"


def test_another_county_s_override_is_a_404(api_as, county_admin, other_county):
    other_admin = make_person("qian.admin", other_county.bureau, ["county_admin"])
    day = api_as(other_admin).post("/api/v1/calendar-days/", {"date": "2026-12-07", "is_workday": False,
                                                               "name": "县庆放假"}, format="json").json()

    assert api_as(county_admin).delete(f"/api/v1/calendar-days/{day['id']}/").status_code == 404
    assert CalendarDay.objects.filter(pk=day["id"]).exists()


def test_a_county_admin_confirms_a_year_the_package_does_not_know_once(api_as, county_admin):
    api = api_as(county_admin)
    unknown = max(package_years()) + 1

    empty = api.post("/api/v1/calendar-years/", {"year": unknown}, format="json")
    api.post("/api/v1/calendar-days/", {"date": f"{unknown}-01-01", "is_workday": False, "name": "元旦"},
             format="json")
    confirmed = api.post("/api/v1/calendar-years/", {"year": unknown}, format="json")
    again = api.post("/api/v1/calendar-years/", {"year": unknown}, format="json")
    known = api.post("/api/v1/calendar-years/", {"year": max(package_years())}, format="json")

    assert (empty.status_code, empty.json()["code"]) == (409, "year_not_entered")  # nothing entered yet
    assert (confirmed.status_code, confirmed.json()["year"]) == (201, unknown)
    assert (again.status_code, again.json()["code"]) == (409, "year_confirmed")
    assert (known.status_code, known.json()["code"]) == (409, "year_known")


# The schema -------------------------------------------------------------------------------------------------------

def test_the_schema_documents_the_deadline_and_calendar_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/cards/", "/api/v1/cards/{id}/", "/api/v1/overdue-board/", "/api/v1/rule-sets/",
        "/api/v1/rule-sets/{id}/", "/api/v1/rules/{key}/", "/api/v1/suspensions/{id}/decide/",
        "/api/v1/suspensions/{id}/end/", "/api/v1/supervisions/{id}/acknowledge/",
        "/api/v1/supervisions/{id}/respond/", "/api/v1/notifications/", "/api/v1/notifications/unread-count/",
        "/api/v1/notifications/mark-read/", "/api/v1/calendar-days/", "/api/v1/calendar-days/{id}/",
        "/api/v1/calendar-days/check/", "/api/v1/calendar-years/",
    } <= set(paths)
    assert paths["/api/v1/overdue-board/"]["get"]["summary"] == "超期督办看板"
