"""Figures a leader can trust (issue 14): equal results share the rank and the colour, a share band a tie straddles
takes the whole tie, a rate with nothing to count shows 无数据 and is left out of the index (or scored as full marks,
as the county's scheme says), a unit with nothing to count anywhere is neither ranked nor coloured — and the bulletin,
the map, the Excel sheet and the API read the same stored values. Every figure is worked out by hand in the comments.
"""

import io
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import IntegrityError
from openpyxl import load_workbook

from scoring import services as ss
from scoring.models import RankingRow
from scoring.rules import INDEX_RULES
from scoring.selectors import UnitResult, _rank_group
from tests.rules.pages import form_data
from tests.scoring.test_pages import map_data, row
from tests.scoring.test_rankings import RESOLVED, arranged, cases, land, wages  # noqa: F401 — shared fixtures
from xinfang.org.choices import RegionLevel
from xinfang.org.services import region_create, unit_create
from xinfang.rules.selectors import rules_for
from xinfang.rules.services import rules_save

MODULES = ("first", "repeat", "backlog", "main_fields", "skip_level", "satisfaction")
GREEN, BLUE, YELLOW, ORANGE, RED = "绿", "蓝", "黄", "橙", "红"
RATES_ONLY = {"first": 20, "repeat": 0, "backlog": 20, "main_fields": 0, "skip_level": 0, "satisfaction": 15}


DEFAULTS = INDEX_RULES.defaults()


def scheme(*, weights=None, rank_scores=None, bands=None, band_mode="share", no_data_rule="exclude"):
    return SimpleNamespace(weights=weights or DEFAULTS["weights"], rank_scores=rank_scores or DEFAULTS["rank_scores"],
                           band_mode=band_mode, bands=bands or DEFAULTS["bands"], no_data_rule=no_data_rule)


def unit(name, order=0, **values):
    """A unit's six modules: a number, or None for a rate with nothing to count (counts default to 0, rates to
    100)."""
    cells = {}
    for module in MODULES:
        value = values.get(module, Decimal(100) if module in ("first", "backlog", "satisfaction") else Decimal(0))
        cells[module] = {"value": None if value is None else Decimal(str(value)), "no_data": value is None}
    return UnitResult(group="township", unit=SimpleNamespace(name=name), region=None, values=cells, order=order)


def ranked(results, rules):
    _rank_group(rules, results)
    return {r.unit.name: r for r in results}


# Ties ------------------------------------------------------------------------------------------------------------

def test_fifteen_townships_that_all_did_equally_well_are_all_first_and_all_green():
    towns = [unit(f"第{i}镇", order=i) for i in range(15)]

    results = ranked(towns, scheme())

    assert {(r.index, r.rank, r.band, r.colour_name) for r in results.values()} == {(Decimal("100.00"), 1, 0, GREEN)}
    assert [r.unit.name for r in towns] == [f"第{i}镇" for i in range(15)]  # a tie is listed in the county's order


def test_a_tie_straddling_a_band_boundary_takes_the_better_band_whole():
    # Ten units ranked on one module; five bands of 20 % end at positions 2, 4, 6, 8 and 10. 乙, 丙 and 丁 tie at
    # rank 2 (positions 2 to 4): all green, not green, blue, blue. 戊 is fifth, so blue stays empty.
    rules = scheme(weights={"first": 1, **{m: 0 for m in MODULES[1:]}})
    values = {"甲": 100, "乙": 90, "丙": 90, "丁": 90, "戊": 80, "己": 70, "庚": 60, "辛": 50, "壬": 40, "癸": 30}

    results = ranked([unit(name, order=i, first=v) for i, (name, v) in enumerate(values.items())], rules)

    assert [(name, results[name].rank, results[name].colour_name) for name in values] == [
        ("甲", 1, GREEN), ("乙", 2, GREEN), ("丙", 2, GREEN), ("丁", 2, GREEN), ("戊", 5, YELLOW), ("己", 6, YELLOW),
        ("庚", 7, ORANGE), ("辛", 8, ORANGE), ("壬", 9, RED), ("癸", 10, RED)]


def test_indices_are_compared_as_they_are_shown_so_99_996_ties_with_100():
    # 甲: (999 × 100 + 1 × 96) / 1000 = 99.996, shown and stored as 100.00; 乙: 100.00. Equal as shown: both first.
    rules = scheme(weights={"first": 999, "repeat": 1, **{m: 0 for m in MODULES[2:]}}, rank_scores=[100, 96])

    results = ranked([unit("甲", first=100, repeat=1), unit("乙", order=1, first=100, repeat=0)], rules)

    assert [(r.index, r.rank, r.colour_name) for r in results.values()] == [
        (Decimal("100.00"), 1, GREEN), (Decimal("100.00"), 1, GREEN)]


# No data ---------------------------------------------------------------------------------------------------------

def no_ratings_and_no_backlog():
    """甲: half its 2 first petitions resolved, no dossier, no rating; 乙: every first petition resolved, a repeat
    petition, its one dossier resolved, 80 % satisfied. Rank scores 100, 90, 80."""
    return [unit("甲", first=50, repeat=0, backlog=None, satisfaction=None),
            unit("乙", order=1, first=100, repeat=1, backlog=100, satisfaction=80)]


def test_a_module_with_nothing_to_count_is_left_out_and_the_other_weights_renormalised():
    results = ranked(no_ratings_and_no_backlog(), scheme(rank_scores=[100, 90, 80]))
    jia, yi = results["甲"], results["乙"]

    assert (jia.ranks["backlog"], jia.scores["backlog"], jia.ranks["satisfaction"], jia.scores["satisfaction"]) == (
        None, None, None, None)
    # 甲: first 90 (second), repeat, main fields, skip-level 100 (first or tied first); backlog and satisfaction out:
    # (20×90 + 15×100 + 15×100 + 15×100) / (20 + 15 + 15 + 15) = 6300 / 65 = 96.923… → 96.92
    assert jia.index == Decimal("96.92")
    # 乙 is alone in backlog and satisfaction, so first there: (20×100 + 15×90 + 20×100 + 15×100 × 3) / 100 = 98.50
    assert yi.index == Decimal("98.50")
    # Today's rule gave 甲's missing modules 100 % and put 甲 (98.00) above 乙 (97.00), whose ratings were real.
    assert (yi.rank, jia.rank) == (1, 2)


def test_scored_as_full_marks_a_module_with_nothing_to_count_earns_the_tables_first_score():
    results = ranked(no_ratings_and_no_backlog(), scheme(rank_scores=[100, 90, 80], no_data_rule="full_marks"))
    jia, yi = results["甲"], results["乙"]

    # Still not ranked in the module (it does not push 乙 down), but scored 100: (20×90 + 20×100 + 15×100 × 4) / 100
    assert (jia.ranks["backlog"], jia.scores["backlog"], jia.scores["satisfaction"]) == (None, 100, 100)
    assert (jia.index, yi.index) == (Decimal("98.00"), Decimal("98.50"))


def test_a_unit_with_nothing_to_count_anywhere_has_no_index_no_rank_no_colour_and_is_listed_last():
    # Only the rates are weighted. 丁 and 戊 had no first petition, no dossier and no rating.
    rules = scheme(weights=RATES_ONLY, bands=[{"name": "好", "colour": "#0a0", "share": 50},
                                              {"name": "差", "colour": "#a00", "share": 50}])
    nothing = {"first": None, "backlog": None, "satisfaction": None}
    towns = [unit("丁", order=0, **nothing), unit("甲", order=1, first=100), unit("乙", order=2, first=90),
             unit("戊", order=3, **nothing), unit("丙", order=4, first=80)]

    results = ranked(towns, rules)

    assert [r.unit.name for r in towns] == ["甲", "乙", "丙", "丁", "戊"]
    assert [(results[n].index, results[n].rank, results[n].band, results[n].colour) for n in ("丁", "戊")] == [
        (None, None, None, "#9e9e9e")] * 2
    # Three ranked units: the better half ends at position ⌈3 × 50 %⌉ = 2, so 丙 is 差 (counting the two units
    # without data, ⌈5 × 50 %⌉ = 3 would have made 丙 好).
    assert [(results[n].rank, results[n].colour_name) for n in ("甲", "乙", "丙")] == [(1, "好"), (2, "好"), (3, "差")]


def test_the_full_marks_rule_gives_no_index_to_a_unit_with_nothing_to_count_anywhere():
    rules = scheme(weights=RATES_ONLY, no_data_rule="full_marks")

    results = ranked([unit("甲", first=None, backlog=None, satisfaction=None), unit("乙", order=1)], rules)

    assert (results["甲"].index, results["甲"].rank, results["乙"].rank) == (None, None, 1)


def test_a_row_is_ranked_indexed_and_banded_or_none_of_the_three(county, arranged):  # noqa: F811
    snapshot = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 11, 15))
    kept = RankingRow.objects.filter(snapshot=snapshot).first()

    with pytest.raises(IntegrityError):
        RankingRow.objects.filter(pk=kept.pk).update(index=None)


# The county's setting ----------------------------------------------------------------------------------------------

def test_the_scheme_leaves_modules_without_data_out_by_default(county):
    assert rules_for(county.region, "index").no_data_rule == "exclude"


def test_switching_to_full_marks_publishes_a_new_version_and_the_next_snapshot_scores_it(county_admin, county,
                                                                                         arranged):  # noqa: F811
    made = rules_save(actor=county_admin, county=county.region, key="index", values={"no_data_rule": "full_marks"},
                      reason="无数据按满分计")

    snapshot = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 11, 15))
    chengguan = RankingRow.objects.get(snapshot=snapshot, unit=county.township_government)

    # The arrangement saved version 1 (the main fields); this is version 2, and the snapshot keeps it whole.
    assert (made.version, made.values["no_data_rule"], snapshot.scheme_version) == (2, "full_marks", 2)
    assert snapshot.scheme_values == made.values and snapshot.scheme.no_data_rule == "full_marks"
    # 城关镇 has no dossier: still 无数据, but scored 100: (20×98 + 15×98 + 20×100 + 15×98 × 3) / 100 = 98.40
    assert chengguan.values["backlog"] == {"value": None, "numerator": 0, "denominator": 0, "no_data": True}
    assert (chengguan.scores["backlog"], chengguan.index) == ("100", Decimal("98.40"))


def test_the_scheme_page_offers_the_rule_and_publishes_it(client_as, county_admin, county):
    client = client_as(county_admin)
    html = client.get("/settings/index/").content.decode()
    assert "checked" in re.search(r'<input[^>]*name="no_data_rule" value="exclude"[^>]*>', html).group(0)

    client.post("/settings/index/", {**form_data(html), "no_data_rule": "full_marks", "reason": "无数据按满分计"})

    current = rules_for(county.region, "index")
    assert (current.number, current.no_data_rule) == (1, "full_marks")
    assert "按满分计" in client.get("/settings/index/").content.decode()


def test_the_api_reads_the_rule_and_a_save_changes_only_it(api_as, county_admin, county):
    api = api_as(county_admin)
    assert api.get("/api/v1/rules/index/").json()["values"]["no_data_rule"] == "exclude"

    response = api.post("/api/v1/rules/index/", {"values": {"no_data_rule": "full_marks"}, "reason": "改"},
                        format="json")
    bad = api.post("/api/v1/rules/index/", {"values": {"no_data_rule": "zero"}, "reason": "改"}, format="json")

    assert response.status_code == 201
    assert (response.json()["version"], response.json()["values"]["no_data_rule"],
            response.json()["values"]["weights"]) == (1, "full_marks", DEFAULTS["weights"])
    assert [c["name"] for c in response.json()["changes"]] == ["no_data_rule"]
    assert bad.status_code == 400 and "no_data_rule" in bad.json()["detail"]


def test_a_save_without_the_rule_keeps_the_current_one(api_as, county_admin, county):
    api = api_as(county_admin)
    api.post("/api/v1/rules/index/", {"values": {"no_data_rule": "full_marks"}, "reason": "改"}, format="json")

    response = api.post("/api/v1/rules/index/", {"values": {"rank_scores": [100, 90]}, "reason": "改"},
                        format="json")

    assert (response.json()["version"], response.json()["values"]["no_data_rule"]) == (2, "full_marks")


# Every reader shows the same stored rank and colour ------------------------------------------------------------

@pytest.fixture
def tied_month(county, county_admin, caseworker, arranged, wages):  # noqa: F811
    """November under a scheme weighting the three rates only. 小市镇 resolved its 4 first petitions, as 河口镇 did:
    they tie first. 人社局 had nothing to count in any rate: no index."""
    xiaoshi = region_create(code="340822102000", name="怀宁县小市镇", level=RegionLevel.TOWNSHIP, parent=county.region)
    village = region_create(code="340822102201", name="小市镇第1村", level=RegionLevel.VILLAGE, parent=xiaoshi)
    unit_create(name="小市镇党委政府", kind="township", region=xiaoshi)
    cases(county, caseworker, 4, region=village, category=wages, **RESOLVED)
    rules_save(actor=county_admin, county=county.region, key="index", values={"weights": RATES_ONLY},
               reason="只看三个比率")
    return ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 11, 15))


def test_a_tie_and_a_unit_without_data_as_stored(county, tied_month, arranged):  # noqa: F811
    rows = {r.name: r for r in RankingRow.objects.filter(snapshot=tied_month)}

    # Townships: 河口镇 and 小市镇 100.00, tied first. 城关镇: third in first petitions and satisfaction (96), no
    # dossier: (20×96 + 15×96) / 35 = 96.00, third. Bands over 3 units end at positions 1, 2, 2, 3, 3: the tie is
    # green (not green and blue), 城关镇 at position 3 orange.
    towns = ("怀宁县河口镇", "怀宁县小市镇", "怀宁县城关镇")
    assert [(rows[n].rank, rows[n].index, rows[n].colour_name) for n in towns] == [
        (1, Decimal("100.00"), GREEN), (1, Decimal("100.00"), GREEN), (3, Decimal("96.00"), ORANGE)]
    hrss = rows["县人力资源和社会保障局"]
    assert (hrss.rank, hrss.index, hrss.band, hrss.colour, hrss.no_data) == (None, None, None, "#9e9e9e", True)
    housing = rows[county.housing.name]
    assert (housing.rank, housing.colour_name, housing.position, hrss.position) == (1, GREEN, 1, 2)


def page_readings(html: str, units) -> dict:
    """unit id → (rank, index, colour) as the bulletin's rows carry them."""
    out = {}
    for unit_id in units:
        tr = row(html, f'data-unit="{unit_id}"')
        out[unit_id] = tuple(re.search(rf'data-{key}="([^"]*)"', tr).group(1) for key in ("rank", "index", "colour"))
    return out


def test_the_bulletin_the_map_the_excel_sheet_and_the_api_show_the_same_rank_and_colour(
        client_as, api_as, caseworker, county, tied_month):
    client = client_as(caseworker)
    api = api_as(caseworker).get(f"/api/v1/ranking-snapshots/{tied_month.pk}/").json()["rows"]
    from_api = {r["unit"]: (str(r["rank"] or ""), r["index"] or "", r["colour_name"]) for r in api}

    from_page = page_readings(client.get(f"/scoring/{tied_month.pk}/").content.decode(), from_api)
    workbook = load_workbook(io.BytesIO(client.get(f"/scoring/{tied_month.pk}/export.xlsx").content))
    names = {r["name"]: r["unit"] for r in api}
    from_excel = {names[r[2]]: (str(r[0]).replace("—", ""), "" if r[-2] == "无数据" else f"{r[-2]:.2f}", r[-1])
                  for sheet in workbook for r in sheet.iter_rows(min_row=3, values_only=True) if r[2] in names}
    tiles = map_data(client.get(f"/scoring/map/?snapshot={tied_month.pk}").content.decode())["tiles"]
    from_map = {names[t["name"]]: (str(t["rank"]).replace("—", ""), t["value"] or "", t["colour_name"])
                for t in tiles}

    assert from_page == from_api == from_excel
    assert from_map == {u: v for u, v in from_api.items() if u in from_map} and len(from_map) == 3
    assert ("", "", "无数据") in from_api.values()


def test_the_bulletin_lists_a_unit_without_data_last_in_grey_with_the_rules_below(client_as, caseworker, county,
                                                                                  tied_month):
    html = client_as(caseworker).get(f"/scoring/{tied_month.pk}/").content.decode()

    departments = html.split('data-testid="ranking-department"')[1].split("</table>")[0]
    assert departments.index(f'data-unit="{county.housing.pk}"') < departments.index("县人力资源和社会保障局")
    hrss = row(departments, "data-no-data")
    assert "县人力资源和社会保障局" in hrss and "background: #9e9e9e" in hrss and hrss.count("无数据") >= 4
    notes = html.split('data-testid="rule-notes"')[1]
    assert "名次相同（如1、1、3）" in notes and "整体归入较好的色档" in notes and "其余模块的权重按比例折算" in notes


def test_the_map_paints_a_tie_in_one_colour(client_as, caseworker, county, tied_month):
    html = client_as(caseworker).get(f"/scoring/map/?snapshot={tied_month.pk}").content.decode()

    tiles = {t["name"]: t for t in map_data(html)["tiles"]}
    assert tiles["怀宁县河口镇"]["colour"] == tiles["怀宁县小市镇"]["colour"] == "#2e7d32"
    assert (tiles["怀宁县河口镇"]["rank"], tiles["怀宁县小市镇"]["rank"]) == ("1", "1")
    assert 'data-testid="rule-notes"' in html


def test_a_period_with_nothing_to_count_anywhere_ranks_nobody_and_draws_no_arrows(client_as, caseworker, county,
                                                                                  tied_month):
    october = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 10, 15))
    html = client_as(caseworker).get(f"/scoring/{tied_month.pk}/").content.decode()

    assert set(RankingRow.objects.filter(snapshot=october).values_list("rank", "colour_name")) == {(None, "无数据")}
    assert "↑" not in html and "↓" not in html  # nobody was ranked in October: nothing to compare with (环比)


# No N+1 ------------------------------------------------------------------------------------------------------------

AUDIT_ROW = 5  # an audit row: its savepoint and release, the chain's lock, the last hash, the insert


def test_the_map_the_export_and_the_api_read_in_a_bounded_number_of_queries(client_as, api_as, caseworker, county,
                                                                           tied_month, django_assert_max_num_queries):
    client, api = client_as(caseworker), api_as(caseworker)
    client.get(f"/scoring/map/?snapshot={tied_month.pk}")  # warm the session and permission caches

    with django_assert_max_num_queries(12):
        assert client.get(f"/scoring/map/?snapshot={tied_month.pk}").status_code == 200
    with django_assert_max_num_queries(9 + AUDIT_ROW):  # the export is in the audit trail: one row, a fixed cost
        assert client.get(f"/scoring/{tied_month.pk}/export.xlsx").status_code == 200
    with django_assert_max_num_queries(7):
        assert api.get(f"/api/v1/ranking-snapshots/{tied_month.pk}/").status_code == 200


def test_a_quiet_period_in_which_everyone_ties_says_so(client_as, caseworker, county, arranged):  # noqa: F811
    october = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 10, 15))

    bulletin = client_as(caseworker).get(f"/scoring/{october.pk}/").content.decode()
    the_map = client_as(caseworker).get(f"/scoring/map/?snapshot={october.pk}").content.decode()

    assert bulletin.count('data-testid="all-tied"') == 2  # townships and departments
    assert 'data-testid="all-tied"' in the_map
    assert map_data(the_map)["labels"]["place"] == "第{rank}名"  # each tile carries its rank
