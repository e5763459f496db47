"""The ranking pages: the bulletin with the hand-computed indices and its arrows, the Excel file, the five-colour map
(tiles, then the county's own boundaries), the drill into a township's cases, generating a period, the cadres by
points, the petition-index rules, and another county's snapshot that does not exist."""

import io
import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from scoring import services as ss
from scoring.models import PointEntry, RankingSnapshot
from tests.rules.pages import form_data
from tests.scoring.test_rankings import arranged, cases, land, wages  # noqa: F401 — shared fixtures
from xinfang.rules.models import RulesVersion
from xinfang.rules.selectors import rules_for

pytestmark = pytest.mark.django_db

CHENGGUAN, HEKOU = "怀宁县城关镇", "怀宁县河口镇"


@pytest.fixture
def november(arranged, county):  # noqa: F811 - the fixture, used
    return ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 11, 15))


@pytest.fixture
def october(arranged, county):  # noqa: F811
    """October had no petitions: every unit ties first (and green), and 城关镇 falls a place in November."""
    return ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 10, 15))


def row(html: str, marker: str) -> str:
    match = re.search(rf"<tr[^>]*{re.escape(marker)}.*?</tr>", html, re.S)
    assert match, f"no row with {marker}"
    return match.group(0)


def map_data(html: str) -> dict:
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no map data"
    return json.loads(match.group(1))


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props,
         "geometry": {"type": "Polygon", "coordinates": [[[116.6, 30.4], [116.7, 30.4], [116.7, 30.5], [116.6, 30.4]]]}}
        for props in features]}, ensure_ascii=False).encode()


# The bulletin ---------------------------------------------------------------------------------------------

def test_the_bulletin_shows_the_hand_computed_indices_and_colours(client_as, caseworker, county, november,
                                                                  arranged):  # noqa: F811
    html = client_as(caseworker).get(f"/scoring/{november.pk}/").content.decode()

    chengguan = row(html, f'data-unit="{county.township_government.pk}"')
    hekou = row(html, f'data-unit="{arranged["hekou"].pk}"')
    assert 'data-index="98.00"' in chengguan and 'data-colour="黄"' in chengguan and "90.00%" in chengguan
    assert 'data-index="100.00"' in hekou and 'data-colour="绿"' in hekou
    assert '<td class="text-end text-muted no-data" data-module="backlog">无数据</td>' in chengguan
    housing = row(html, f'data-unit="{county.housing.pk}"')
    assert 'data-index="100.00"' in housing and "97.62%" in housing
    assert "县人力资源和社会保障局" in html and "县信访局" not in html.split("ranking-township")[1]


def test_a_second_snapshot_shows_who_rose_and_who_fell(client_as, caseworker, county, october, november,
                                                       arranged):  # noqa: F811
    html = client_as(caseworker).get(f"/scoring/{november.pk}/").content.decode()

    # Both shared first place in October; 河口镇 is still first, 城关镇 second.
    assert 'data-testid="change">—<' in row(html, f'data-unit="{arranged["hekou"].pk}"')
    assert "↓1" in row(html, f'data-unit="{county.township_government.pk}"')


def test_the_first_snapshot_of_a_kind_has_no_arrows(client_as, caseworker, county, november):
    html = client_as(caseworker).get(f"/scoring/{november.pk}/").content.decode()

    assert "↑" not in html and "↓" not in html


def test_the_bulletin_reads_in_a_bounded_number_of_queries(client_as, caseworker, county, october, november,
                                                           django_assert_max_num_queries):
    client = client_as(caseworker)
    client.get(f"/scoring/{november.pk}/")  # warm the session and permission caches

    with django_assert_max_num_queries(14):
        response = client.get(f"/scoring/{november.pk}/")

    assert response.status_code == 200


def test_the_excel_export_holds_every_row(client_as, caseworker, county, november):
    response = client_as(caseworker).get(f"/scoring/{november.pk}/export.xlsx")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    townships, departments = workbook["乡镇（街道）"], workbook["县直部门"]
    rows = list(townships.iter_rows(min_row=3, max_row=4, values_only=True))
    # Townships by their names, as on the bulletin (and as published: a later rename leaves the sheet alone).
    assert [(r[0], r[2], r[-2], r[-1]) for r in rows] == [(1, "怀宁县河口镇", 100.0, "绿"),
                                                          (2, "怀宁县城关镇", 98.0, "黄")]
    assert rows[1][3] == "90.00%"  # the first-petition rate
    assert (rows[1][7], rows[1][8]) == ("无数据", "—")  # no backlog dossier: not counted, no score
    assert {r[2] for r in departments.iter_rows(min_row=3, max_row=4, values_only=True)} == {
        "县人力资源和社会保障局", "怀宁县住房和城乡建设局"}
    notes = [r[0] for r in townships.iter_rows(min_row=5, values_only=True) if r and r[0]]
    assert any("并列" in note for note in notes)  # the rules travel with the sheet


def test_another_countys_caseworker_finds_no_snapshot(client_as, other_caseworker, county, november):
    client = client_as(other_caseworker)

    assert client.get(f"/scoring/{november.pk}/").status_code == 404
    assert client.get(f"/scoring/{november.pk}/export.xlsx").status_code == 404
    assert client.get(f"/scoring/{november.pk}/units/{county.housing.pk}/").status_code == 404
    assert client.get(f"/scoring/map/?snapshot={november.pk}").status_code == 404


# The list and generating a period now ----------------------------------------------------------------------

def test_the_list_filters_snapshots_by_kind(client_as, caseworker, county, november):
    ss.snapshot_generate(county=county.region, kind="day", day=date(2026, 11, 10))
    client = client_as(caseworker)

    assert client.get("/scoring/").content.decode().count("data-snapshot=") == 2
    html = client.get("/scoring/?kind=month").content.decode()
    assert html.count("data-snapshot=") == 1 and f'data-snapshot="{november.pk}"' in html


def test_the_county_admin_generates_a_period_once(client_as, county_admin, county, arranged):  # noqa: F811
    client = client_as(county_admin)
    assert "generate-form" in client.get("/scoring/").content.decode()

    first = client.post("/scoring/generate/", {"kind": "month", "day": "2026-10-15"}, follow=True)
    again = client.post("/scoring/generate/", {"kind": "month", "day": "2026-10-20"}, follow=True)

    snapshot = RankingSnapshot.objects.get(county=county.region, kind="month")
    assert first.redirect_chain[-1][0] == f"/scoring/{snapshot.pk}/"
    assert "已生成月排名" in first.content.decode()
    assert "已生成，排名快照生成后不再变化" in again.content.decode()
    assert RankingSnapshot.objects.count() == 1


def test_a_caseworker_may_not_generate(client_as, caseworker, county):
    client = client_as(caseworker)

    assert "generate-form" not in client.get("/scoring/").content.decode()
    assert client.post("/scoring/generate/", {"kind": "month"}).status_code == 403


# The five-colour map and the drill ---------------------------------------------------------------------------

def test_the_map_shows_the_townships_as_coloured_tiles(client_as, caseworker, county, november, arranged):  # noqa: F811
    html = client_as(caseworker).get("/scoring/map/").content.decode()

    data = map_data(html)
    assert [(t["name"], t["index"], t["colour_name"], t["colour"]) for t in data["tiles"]] == [
        (HEKOU, "100.00", "绿", "#2e7d32"), (CHENGGUAN, "98.00", "黄", "#f9a825")]
    assert data["tiles"][0]["url"] == f"/scoring/{november.pk}/units/{arranged['hekou'].pk}/"
    assert data["geojson"] is None
    assert 'data-testid="ranking-department"' in html


def test_the_map_prefers_the_latest_monthly_ranking(client_as, caseworker, county, november):
    ss.snapshot_generate(county=county.region, kind="day", day=date(2026, 11, 20))

    html = client_as(caseworker).get("/scoring/map/").content.decode()

    assert f'<option value="{november.pk}" selected>' in html


def test_the_map_without_any_snapshot_says_so(client_as, caseworker, county):
    html = client_as(caseworker).get("/scoring/map/").content.decode()

    assert "暂无排名快照" in html


def test_after_the_boundaries_are_uploaded_the_map_draws_them(client_as, county_admin, county, november,
                                                              settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(county_admin)
    upload = SimpleUploadedFile("townships.json", geojson({"code": county.townships[0].code}, {"name": "河口镇"},
                                                          {"name": "别的镇"}), content_type="application/json")

    response = client.post("/scoring/map/geojson/", {"file": upload}, follow=True)

    assert "已上传乡镇边界" in response.content.decode()
    features = map_data(client.get("/scoring/map/").content.decode())["geojson"]["features"]
    assert [f["properties"]["name"] for f in features] == [CHENGGUAN, HEKOU, "别的镇"]
    assert (tmp_path / "scoring" / "geojson" / "340822000000.json").exists()


def test_a_file_that_is_not_geojson_is_refused_in_chinese(client_as, county_admin, county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(county_admin)

    response = client.post("/scoring/map/geojson/", {"file": SimpleUploadedFile("a.json", b"{not json")})
    other = client.post("/scoring/map/geojson/", {"file": SimpleUploadedFile("b.json", b'{"type": "Point"}')})

    assert response.status_code == 400 and "文件不是有效的JSON" in response.content.decode()
    assert other.status_code == 400 and "FeatureCollection" in other.content.decode()
    assert not (tmp_path / "scoring").exists()


def test_a_caseworker_may_not_upload_boundaries(client_as, caseworker, county):
    assert client_as(caseworker).get("/scoring/map/geojson/").status_code == 403


def test_drilling_into_a_township_links_to_its_cases(client_as, caseworker, county, november, arranged):  # noqa: F811
    html = client_as(caseworker).get(f"/scoring/{november.pk}/units/{county.township_government.pk}/").content.decode()

    code = county.townships[0].code
    period = "received_after=2026-11-01&amp;received_before=2026-11-30"
    assert f"/cases/?{period}&amp;region={code}&amp;is_repeat=true" in html
    assert f"/cases/?{period}&amp;region={code}&amp;is_skip_level=true" in html
    (main_field,) = arranged["scheme"].main_categories
    assert f"category={main_field}" in html
    assert "98.00" in html and "9 / 10" in html
    assert 'data-module="backlog" data-no-data' in html and "不计入" in html


def test_drilling_into_a_department_links_to_the_cases_it_leads(client_as, caseworker, county, november):
    html = client_as(caseworker).get(f"/scoring/{november.pk}/units/{county.housing.pk}/").content.decode()

    assert f"&amp;unit={county.housing.pk}&amp;is_repeat=false" in html
    assert "82 / 84" in html


def test_a_unit_not_in_the_snapshot_is_404(client_as, caseworker, county, november):
    assert client_as(caseworker).get(f"/scoring/{november.pk}/units/{county.bureau.pk}/").status_code == 404


# Cadres and the rules -------------------------------------------------------------------------------------------

def test_the_cadre_ranking_lists_a_cadre_with_points(client_as, caseworker, unit_officer, county):
    PointEntry.objects.create(user=unit_officer, points=8, rule="case_resolved", reason="办结化解")
    PointEntry.objects.create(user=unit_officer, points=-2, rule="late_closure", reason="超期办结")
    PointEntry.objects.create(user=caseworker, points=3, rule="return_visit", reason="完成回访")

    html = client_as(caseworker).get("/scoring/cadres/").content.decode()

    officer = row(html, f'data-user="{unit_officer.pk}"')
    assert f'href="/dossiers/cadres/{unit_officer.pk}/"' in officer and ">6<" in officer
    assert html.index(f'data-user="{unit_officer.pk}"') < html.index(f'data-user="{caseworker.pk}"')


def test_the_cadre_ranking_refuses_a_malformed_date(client_as, caseworker, county):
    response = client_as(caseworker).get("/scoring/cadres/?start=2026-13-01")

    assert response.status_code == 400 and "日期格式有误" in response.content.decode()


def scheme_post(client, **changes) -> dict:
    """The index rules' form as the page shows it, with two bands (优 50%, 差 50%) and the rank table 100, 95，90."""
    data = form_data(client.get("/settings/index/").content.decode())
    for i in range(30):
        data[f"bands_{i}"] = "#9e9e9e" if i % 3 == 1 else ""
    data.update({"bands_0": "优", "bands_1": "#2e7d32", "bands_2": "50", "bands_3": "差", "bands_4": "#c62828",
                 "bands_5": "50", "rank_scores": "100, 95，90", "reason": "联席会议决定"})
    return {**data, **changes}


WEIGHTS = [f"weights_{i}" for i in range(6)]  # first, repeat, backlog, main_fields, skip_level, satisfaction


def test_the_county_admin_publishes_version_one(client_as, county_admin, county, land):  # noqa: F811
    client = client_as(county_admin)
    assert client.get("/scoring/scheme/").url == "/settings/index/"  # the old address
    assert "默认规则" in client.get("/settings/index/").content.decode()

    response = client.post("/settings/index/", scheme_post(client, weights_0="40", main_categories=[str(land.pk)]),
                           follow=True)

    current = rules_for(county.region, "index")
    assert (current.number, current.weights["first"], current.rank_scores) == (1, 40, [100, 95, 90])
    assert current.bands == [{"name": "优", "colour": "#2e7d32", "share": 50},
                             {"name": "差", "colour": "#c62828", "share": 50}]
    assert current.main_categories == [str(land.pk)]
    html = response.content.decode()
    assert "已保存信访指数规则第1版" in html and "征地拆迁" in html and "优 50%、差 50%" in html


def test_bad_rules_are_refused_in_chinese(client_as, county_admin, county):
    client = client_as(county_admin)

    shares = client.post("/settings/index/", scheme_post(client, bands_5="40"))
    table = client.post("/settings/index/", scheme_post(client, rank_scores="一百,九十"))
    zero = client.post("/settings/index/", scheme_post(client, **{w: "0" for w in WEIGHTS}))
    colour = client.post("/settings/index/", scheme_post(client, bands_1="green"))

    assert shares.status_code == 400 and "各色档比例之和须为100" in shares.content.decode()
    assert table.status_code == 400 and "请填写用逗号分隔的数字" in table.content.decode()
    assert zero.status_code == 400 and "不能全为0" in zero.content.decode()
    assert colour.status_code == 400 and "颜色须为#开头的十六进制色值" in colour.content.decode()
    assert not RulesVersion.objects.filter(county=county.region, group="index").exists()


def test_a_caseworker_reads_the_rules_but_may_not_change_them(client_as, caseworker, county_admin, county):
    data = scheme_post(client_as(county_admin))
    client = client_as(caseworker)

    html = client.get("/settings/index/").content.decode()
    response = client.post("/settings/index/", data)

    assert 'data-testid="rules-form"' not in html and "默认规则" in html and "五色分档" in html
    assert response.status_code == 403
    assert not RulesVersion.objects.filter(county=county.region, group="index").exists()


def test_the_bulletin_compares_with_the_same_month_a_year_before(client_as, caseworker, arranged, county):  # noqa: F811
    from datetime import date as _date

    ss.snapshot_generate(county=county.region, kind="month", day=_date(2025, 11, 15))  # nothing then: all tied
    november = ss.snapshot_generate(county=county.region, kind="month", day=_date(2026, 11, 15))

    html = client_as(caseworker).get(f"/scoring/{november.pk}/").content.decode()

    assert "同比：与上年同期（2025-11-01）相比" in html
    assert 'data-testid="change-yoy">↓1<' in html  # 城关镇 shared first place a year ago, second now


def test_a_rank_table_of_absurd_numbers_is_refused_at_once(client_as, county_admin, county):
    client = client_as(county_admin)

    for text in ("1e999999999", "Infinity", "NaN", "100,,abc"):
        response = client.post("/settings/index/", scheme_post(client, rank_scores=text))
        assert response.status_code == 400 and "请填写用逗号分隔的数字" in response.content.decode()
    assert not RulesVersion.objects.filter(county=county.region, group="index").exists()
