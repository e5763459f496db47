"""A county's settings are versioned (xinfang.rules): a county admin saves a change with a reason and a day it takes
effect, sees every version with what it changed, compares two, and restores an old one; what is in force on a day is
the version of that day; bad input changes nothing; another county's rules are out of reach."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from visits import services as vs
from visits.models import FieldVisit
from xinfang.errors import Conflict, NotPermitted, ValidationFailed
from xinfang.org.models import AuditEvent
from xinfang.rules.models import RulesVersion
from xinfang.rules.services import rules_rollback, rules_save

from ..factories import make_person

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=TZ)


@pytest.fixture
def commissioner_visit(county):
    """A household visit by a petition commissioner (信访专员): ``commissioner_visit(when)``."""
    commissioner = make_person("sun.cadre", county.bureau, ["field_cadre"], name="孙专员")

    def record(when):
        return vs.field_visit_record(actor=commissioner, data=vs.FieldVisitInput(
            kind="household", region=county.villages[0], visited_at=when, summary="走访了解村民诉求"))

    return record


@pytest.fixture
def other_admin(other_county):
    return make_person("qian.admin", other_county.bureau, ["county_admin"], name="钱管理")


def test_the_admin_saves_compares_and_restores_the_visit_rules_on_the_page(client_as, county_admin, county):
    page = client_as(county_admin)
    values = {"night_until_hour": "6", "backlog_after_months": "3", "answer_link_days": "15",
              "schedule_horizon_weeks": "8"}
    first = page.post("/settings/visits/", {**values, "night_from_hour": "19", "reason": "冬季作息",
                                            "base_version": "0"}, follow=True)
    second = page.post("/settings/visits/", {**values, "night_from_hour": "20", "answer_link_days": "30",
                                             "reason": "夏季作息", "base_version": "1"}, follow=True)

    assert "已保存接访走访规则第1版" in first.content.decode() and "已保存接访走访规则第2版" in second.content.decode()
    assert vs.visit_settings_for(county.region).night_from_hour == 20
    history = page.get("/settings/visits/?a=1&b=2").content.decode()
    assert "冬季作息" in history and "夏季作息" in history and "赵管理" in history
    assert "第1版与第2版的不同" in history and "评价链接有效期" in history and "30天" in history

    restored = page.post("/settings/visits/versions/1/rollback/", {"reason": "恢复冬季作息"}, follow=True)

    assert "已恢复第1版的规则，保存为第3版" in restored.content.decode()
    v3 = RulesVersion.objects.get(county=county.region, group="visits", version=3)
    assert (v3.restored_from, v3.values["night_from_hour"], v3.values["answer_link_days"]) == (1, 19, 15)
    assert vs.visit_settings_for(county.region).night_from_hour == 19
    assert [e.changes for e in AuditEvent.objects.filter(action="rules.visits.save").order_by("pk")] == [
        {"night_from_hour": [18, 19]},
        {"night_from_hour": [19, 20], "answer_link_days": [15, 30]},
        {"night_from_hour": [20, 19], "answer_link_days": [30, 15]}]


def test_a_change_from_a_later_day_applies_from_that_day_only(commissioner_visit, client_as, county_admin, county):
    with time_machine.travel(at("2026-11-16", 9), tick=False):
        rules_save(actor=county_admin, county=county.region, key="visits", values={"night_from_hour": 20},
                   reason="12月起执行冬季作息", valid_from=timezone.localdate() + timedelta(days=15))  # 1 December
        assert vs.visit_settings_for(county.region).night_from_hour == 18
        assert "第1版将于2026-12-01起施行" in client_as(county_admin).get("/settings/visits/").content.decode()
        assert vs.visit_settings_for(county.region, at("2026-12-01").date()).night_from_hour == 20
    with time_machine.travel(at("2026-11-16", 21), tick=False):
        before = commissioner_visit(at("2026-11-16", 19, 30))
    with time_machine.travel(at("2026-12-01", 21), tick=False):
        after = commissioner_visit(at("2026-12-01", 19, 30))

    assert (FieldVisit.objects.get(pk=before.pk).is_night, after.is_night) == (True, False)


@pytest.mark.parametrize("values, extra, field", [
    ({"night_from_hour": 24}, {}, "night_from_hour"),
    ({"night_from_hour": "晚上"}, {}, "night_from_hour"),
    ({"night_from_hour": "--5"}, {}, "night_from_hour"),
    ({"night_from_hour": "²"}, {}, "night_from_hour"),
    ({"night_from_hour": 10 ** 30}, {}, "night_from_hour"),
    ({"night_from_hour": 5}, {}, "night_from_hour"),  # before the morning's end: every visit a night visit
    ({"night_from_hour": True}, {}, "night_from_hour"),
    ({"bedtime": 22}, {}, "bedtime"),
    ({"night_from_hour": 19}, {"reason": "  "}, "reason"),
    ({"night_from_hour": 19}, {"valid_from": "2020-01-01"}, "valid_from"),
])
def test_bad_input_is_refused_field_by_field_and_saves_nothing(api_as, county_admin, values, extra, field):
    response = api_as(county_admin).post("/api/v1/rules/visits/", {"values": values, "reason": "调整", **extra},
                                         format="json")

    assert response.status_code == 400 and field in response.json()["detail"]
    assert not RulesVersion.objects.exists()


def test_the_same_values_again_or_a_stale_edit_are_refused(county_admin, county):
    rules_save(actor=county_admin, county=county.region, key="visits", values={"night_from_hour": 19}, reason="冬季")

    with pytest.raises(ValidationFailed) as same:
        rules_save(actor=county_admin, county=county.region, key="visits", values={"night_from_hour": 19},
                   reason="再存一次")
    with pytest.raises(Conflict) as stale:
        rules_save(actor=county_admin, county=county.region, key="visits", values={"night_from_hour": 21},
                   reason="按旧页面修改", base_version=0)

    assert (same.value.code, stale.value.code) == ("unchanged", "stale_version")
    assert RulesVersion.objects.count() == 1


def test_odd_choices_and_odd_query_strings_get_a_clear_answer(api_as, client_as, county_admin):
    api = api_as(county_admin)
    nested = api.post("/api/v1/rules/backlog/", {"values": {"dual_owner_sources": [["city"]]}, "reason": "试"},
                      format="json")
    not_a_dict = api.post("/api/v1/rules/backlog/", {"values": ["city"], "reason": "试"}, format="json")
    page = client_as(county_admin).get("/settings/cases/?a=²&b=99999999999999999999")
    on = api.get("/api/v1/rules/cases/?on=x")

    assert (nested.status_code, list(nested.json()["detail"])) == (400, ["dual_owner_sources"])
    assert not_a_dict.status_code == 400 and on.status_code == 400
    assert page.status_code == 200
    assert not RulesVersion.objects.exists()


def test_a_change_before_a_pending_version_is_refused_until_that_version_is_withdrawn(api_as, county_admin, county):
    api = api_as(county_admin)
    later = (timezone.localdate() + timedelta(days=20)).isoformat()
    api.post("/api/v1/rules/visits/", {"values": {"night_from_hour": 20}, "reason": "冬季作息", "valid_from": later},
             format="json")

    refused = api.post("/api/v1/rules/visits/", {"values": {"answer_link_days": 30}, "reason": "延长"},
                       format="json")
    in_force = api.post("/api/v1/rules/visits/versions/1/withdraw/", {"reason": "先不改"}, format="json")
    saved = api.post("/api/v1/rules/visits/", {"values": {"answer_link_days": 30}, "reason": "延长"},
                     format="json")

    assert (refused.status_code, refused.json()["code"]) == (409, "later_version_pending")
    assert in_force.status_code == 200 and in_force.json()["withdrawn_at"]
    assert saved.status_code == 201 and saved.json()["version"] == 2
    on_that_day = api.get(f"/api/v1/rules/visits/?on={later}").json()
    assert (on_that_day["version"], on_that_day["values"]["night_from_hour"]) == (2, 18)
    again = api.post("/api/v1/rules/visits/versions/2/withdraw/", {"reason": "撤回现行"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "version_in_force")


def test_a_rule_across_fields_is_checked_and_named(api_as, county_admin):
    response = api_as(county_admin).post("/api/v1/rules/notifications/", {
        "values": {"notify_from_hour": 18, "notify_until_hour": 9}, "reason": "调整"}, format="json")

    assert response.status_code == 400 and list(response.json()["detail"]) == ["notify_until_hour"]
    assert "截止时刻应晚于起始时刻" in response.json()["message"]


def test_the_api_serves_every_group_in_one_shape(api_as, county_admin, county, django_assert_max_num_queries):
    api = api_as(county_admin)
    api.post("/api/v1/rules/cases/", {"values": {"collective_head_count": 3}, "reason": "县委决定"}, format="json")
    api.post("/api/v1/rules/cases/", {"values": {"max_extensions": 2}, "reason": "疫情期间"}, format="json")

    with django_assert_max_num_queries(12):
        groups = api.get("/api/v1/rules/").json()
    versions = api.get("/api/v1/rules/cases/versions/").json()
    diff = api.get("/api/v1/rules/cases/diff/?a=1&b=2").json()
    restored = api.post("/api/v1/rules/cases/versions/1/rollback/", {"reason": "疫情结束"}, format="json")

    assert {g["group"] for g in groups} == {"cases", "deadlines", "visits", "duty", "backlog", "notifications",
                                                   "points", "index", "security", "online"}
    cases = next(g for g in groups if g["group"] == "cases")
    assert (cases["version"], cases["values"]["collective_head_count"], cases["values"]["max_extensions"]) == (2, 3, 2)
    assert {f["name"]: (f["min"], f["max"], f["default"]) for f in cases["fields"]}["collective_head_count"] == (
        2, 100, 5)
    assert [(v["version"], v["reason"], [c["name"] for c in v["changes"]]) for v in versions] == [
        (2, "疫情期间", ["max_extensions"]), (1, "县委决定", ["collective_head_count"])]
    assert diff == [{"name": "max_extensions", "label": "可延期次数", "before": 1, "after": 2}]
    assert restored.status_code == 201 and restored.json()["restored_from"] == 1
    assert restored.json()["values"]["max_extensions"] == 1 and restored.json()["version"] == 3
    missing = api.get("/api/v1/rules/cases/diff/?a=1&b=9")
    unknown = api.get("/api/v1/rules/weather/")
    assert (missing.status_code, missing.json()["code"]) == (404, "rules_version_not_found")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "rules_group_not_found")


def test_another_countys_rules_are_out_of_reach(api_as, client_as, county_admin, other_admin, county, other_county):
    rules_save(actor=county_admin, county=county.region, key="visits", values={"night_from_hour": 20},
               reason="A县作息")

    theirs = api_as(other_admin).get("/api/v1/rules/visits/").json()
    their_versions = api_as(other_admin).get("/api/v1/rules/visits/versions/").json()
    rollback = api_as(other_admin).post("/api/v1/rules/visits/versions/1/rollback/", {"reason": "越权"},
                                        format="json")
    page = client_as(other_admin).get("/settings/visits/").content.decode()

    assert (theirs["version"], theirs["values"]["night_from_hour"], their_versions) == (0, 18, [])
    assert rollback.status_code == 404
    assert "A县作息" not in page
    with pytest.raises(NotPermitted):
        rules_save(actor=other_admin, county=county.region, key="visits", values={"night_from_hour": 21},
                   reason="越权修改")
    with pytest.raises(NotPermitted):
        rules_rollback(actor=other_admin, county=county.region, key="visits", version=1, reason="越权")
    assert RulesVersion.objects.filter(county=county.region).count() == 1


def test_only_those_with_the_right_may_change_the_rules(api_as, client_as, caseworker, county):
    refused_api = api_as(caseworker).post("/api/v1/rules/visits/", {"values": {"night_from_hour": 20},
                                                                    "reason": "想改"}, format="json")
    assert refused_api.status_code == 403
    # A caseworker reads the index rules behind the ranking everyone sees, and nothing else.
    index = client_as(caseworker).get("/settings/").content.decode()
    assert 'data-testid="rules-summary-index"' in index and 'data-testid="rules-summary-visits"' not in index
    assert client_as(caseworker).get("/settings/visits/").status_code == 403
    assert client_as(caseworker).post("/settings/visits/", {"night_from_hour": "20"}).status_code == 403
    assert not RulesVersion.objects.exists()


def test_the_old_settings_addresses_lead_to_the_rules_pages(client_as, county_admin):
    page = client_as(county_admin)
    assert page.get("/visits/settings/").url == "/settings/visits/"
    assert page.get("/dossiers/settings/").url == "/settings/backlog/"
    index = page.get("/settings/").content.decode()
    assert all(label in index for label in ("信访事项办理规则", "接访走访规则", "信访积案规则", "提醒发送时段"))


def test_the_rules_read_in_english_for_those_who_choose_it(client_as, county_admin, county):
    rules_save(actor=county_admin, county=county.region, key="cases", values={"return_window_days": 7},
               reason="县联席会议决定")
    client = client_as(county_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/settings/cases/").content.decode()

    assert "Return window" in html and "7 days" in html and "5 days → <strong>7 days</strong>" in html
    assert "Version 1, in force from" in html and "Save new version" in html


def test_a_pending_version_is_withdrawn_from_the_page(client_as, county_admin, county):
    rules_save(actor=county_admin, county=county.region, key="visits", values={"night_from_hour": 20},
               reason="冬季作息", valid_from=timezone.localdate() + timedelta(days=10))
    page = client_as(county_admin)
    assert "撤回第1版" in page.get("/settings/visits/").content.decode()

    withdrawn = page.post("/settings/visits/versions/1/withdraw/", {"reason": "联席会议改期"}, follow=True)

    html = withdrawn.content.decode()
    assert "已撤回第1版，它不会施行" in html and "联席会议改期" in html and "将于" not in html
    assert RulesVersion.objects.get(county=county.region, group="visits").withdrawn_by == county_admin
    assert AuditEvent.objects.filter(action="rules.visits.withdraw").count() == 1
