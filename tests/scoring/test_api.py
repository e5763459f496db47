"""The rankings API: snapshots and their rows with arrows, generating a period (201, then 200), the cadres by
points, and the county's petition-index rules (through /api/v1/rules/index/), in the one error shape."""

from datetime import date

import pytest

from scoring import services as ss
from scoring.models import PointEntry, RankingSnapshot
from scoring.rules import INDEX_RULES
from tests.scoring.test_pages import november, october  # noqa: F401 — shared fixtures
from tests.scoring.test_rankings import arranged, land, wages  # noqa: F401 — shared fixtures
from xinfang.rules.models import RulesVersion
from xinfang.rules.selectors import rules_for

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_kind(api_as, caseworker, county, november):  # noqa: F811
    ss.snapshot_generate(county=county.region, kind="day", day=date(2026, 11, 10))
    api = api_as(caseworker)

    assert api.get("/api/v1/ranking-snapshots/").json()["count"] == 2
    body = api.get("/api/v1/ranking-snapshots/?kind=month").json()
    assert [(s["id"], s["kind"], s["period_end"]) for s in body["results"]] == [(november.pk, "month", "2026-11-30")]


def test_the_list_reads_in_a_bounded_number_of_queries(api_as, caseworker, county, november,  # noqa: F811
                                                       django_assert_max_num_queries):
    for day in (1, 2, 3, 4, 5):
        ss.snapshot_generate(county=county.region, kind="day", day=date(2026, 11, day))
    api = api_as(caseworker)

    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/ranking-snapshots/").json()["count"] == 6


def test_a_snapshot_has_its_rows_indices_and_arrows(api_as, caseworker, county, october, november,  # noqa: F811
                                                    arranged):  # noqa: F811
    body = api_as(caseworker).get(f"/api/v1/ranking-snapshots/{november.pk}/").json()

    assert body["previous"] == october.pk
    townships = [(r["unit_name"], r["index"], r["rank"], r["change"], r["colour_name"]) for r in body["rows"]
                 if r["group"] == "township"]
    # October: both townships tied first; November: 河口镇 keeps first place, 城关镇 falls one.
    assert townships == [("河口镇党委政府", "100.00", 1, 0, "绿"), ("怀宁县城关镇党委政府", "98.00", 2, -1, "黄")]
    chengguan = next(r for r in body["rows"] if r["unit"] == county.township_government.pk)
    assert chengguan["region"] == county.townships[0].code
    assert chengguan["values"]["first"] == {"value": "90.00", "numerator": 9, "denominator": 10, "no_data": False}
    assert chengguan["values"]["backlog"] == {"value": None, "numerator": 0, "denominator": 0, "no_data": True}
    assert (chengguan["ranks"]["backlog"], chengguan["scores"]["backlog"], chengguan["no_data"]) == (None, None, False)
    assert body["no_data_rule"] == "exclude"


def test_the_rows_of_one_group(api_as, caseworker, county, november):  # noqa: F811
    api = api_as(caseworker)

    rows = api.get(f"/api/v1/ranking-snapshots/{november.pk}/rows/?group=department").json()
    bad = api.get(f"/api/v1/ranking-snapshots/{november.pk}/rows/?group=village")

    assert sorted((r["unit_name"], r["index"], r["rank"], r["colour_name"]) for r in rows) == [
        ("县人力资源和社会保障局", "100.00", 1, "绿"), ("怀宁县住房和城乡建设局", "100.00", 1, "绿")]
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_another_countys_caseworker_gets_404(api_as, other_caseworker, county, november):  # noqa: F811
    response = api_as(other_caseworker).get(f"/api/v1/ranking-snapshots/{november.pk}/")

    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_county_admin_generates_a_period_201_then_200(api_as, county_admin, county, arranged):  # noqa: F811
    api = api_as(county_admin)

    first = api.post("/api/v1/ranking-snapshots/generate/", {"kind": "month", "day": "2026-10-15"}, format="json")
    again = api.post("/api/v1/ranking-snapshots/generate/", {"kind": "month", "day": "2026-10-30"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] == RankingSnapshot.objects.get(kind="month").pk
    assert len(first.json()["rows"]) == 4


def test_a_caseworker_may_not_generate(api_as, caseworker, county):
    response = api_as(caseworker).post("/api/v1/ranking-snapshots/generate/", {"kind": "day"}, format="json")

    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not RankingSnapshot.objects.exists()


def test_the_cadre_ranking(api_as, caseworker, unit_officer, county):
    PointEntry.objects.create(user=unit_officer, points=8, rule="case_resolved", reason="办结化解")
    PointEntry.objects.create(user=caseworker, points=3, rule="return_visit", reason="完成回访")
    api = api_as(caseworker)

    body = api.get("/api/v1/cadre-ranking/").json()
    bad = api.get("/api/v1/cadre-ranking/?start=2026-11-30&end=2026-11-01")

    assert [(r["user"], r["name"], r["points"], r["entries"]) for r in body] == [
        (unit_officer.pk, "李承办", 8, 1), (caseworker.pk, "张信访", 3, 1)]
    assert bad.status_code == 400 and "截止日期不能早于起始日期" in str(bad.json()["detail"])


def test_the_index_rules_are_read_and_a_save_publishes_the_next_version(api_as, county_admin, county,
                                                                        land):  # noqa: F811
    api = api_as(county_admin)
    current = api.get("/api/v1/rules/index/").json()
    assert (current["version"], current["values"]["band_mode"], current["values"]["bands"][0]) == (
        0, "share", {"name": "绿", "colour": "#2e7d32", "share": 20})
    assert {"value": str(land.pk), "label": "征地拆迁"} in next(
        f for f in current["fields"] if f["name"] == "main_categories")["choices"]

    response = api.post("/api/v1/rules/index/", {"values": {"rank_scores": [100, 90, 80],
                                                            "main_categories": [str(land.pk)]},
                                                 "reason": "联席会议决定"}, format="json")

    assert response.status_code == 201
    assert (response.json()["version"], response.json()["values"]["rank_scores"],
            response.json()["values"]["main_categories"]) == (1, [100, 90, 80], [str(land.pk)])


def test_a_save_changes_only_what_it_gives(api_as, county_admin, county):
    response = api_as(county_admin).post("/api/v1/rules/index/", {
        "values": {"rank_scores": [100, 99.5]}, "reason": "细化"}, format="json")

    scheme = rules_for(county.region, "index")
    assert response.status_code == 201
    assert (scheme.number, scheme.rank_scores, scheme.weights) == (1, [100, 99.5], INDEX_RULES.defaults()["weights"])


def test_bad_rules_are_refused_in_chinese(api_as, county_admin, county):
    response = api_as(county_admin).post("/api/v1/rules/index/", {"values": {
        "bands": [{"name": "优", "colour": "#0a0", "share": 60}, {"name": "差", "colour": "#a00", "share": 30}]},
        "reason": "试"}, format="json")
    unknown = api_as(county_admin).post("/api/v1/rules/index/", {"values": {"main_categories": ["999999"]},
                                                                 "reason": "试"}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"]["bands"] == ["按比例分色时，各色档比例之和须为100。"]
    assert unknown.status_code == 400 and unknown.json()["detail"]["main_categories"] == ["请从给出的选项中选择。"]
    assert not RulesVersion.objects.filter(county=county.region, group="index").exists()


def test_a_caseworker_reads_the_index_rules_but_may_not_change_them(api_as, caseworker, county):
    api = api_as(caseworker)

    assert api.get("/api/v1/rules/index/").status_code == 200
    # Besides the index rules, a caseworker reads the deadline rules and the duty rules they work under.
    assert [g["group"] for g in api.get("/api/v1/rules/").json()] == ["deadlines", "duty", "index"]
    assert api.get("/api/v1/rules/points/").status_code == 403
    assert api.post("/api/v1/rules/index/", {"values": {"rank_scores": [100]}, "reason": "试"},
                    format="json").status_code == 403
