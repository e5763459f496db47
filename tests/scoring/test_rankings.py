"""The petition index on a small fixed county, every figure computed by hand: each module, its rank and score, the
weighted index (a rate with nothing to count left out), the overall rank and the colour; snapshots that never change
once made. Ties and 无数据 in depth: test_ties_and_no_data.py."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Case, Category, Petitioner
from dossiers.models import Dossier
from scoring import selectors as sel
from scoring import services as ss
from scoring.models import RankingRow, RankingSnapshot
from scoring.rules import INDEX_RULES
from xinfang.errors import NotPermitted, ValidationFailed
from xinfang.org.services import unit_create
from xinfang.rules.selectors import rules_for
from xinfang.rules.services import rules_save

NOV = datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
SEQ = iter(range(1, 10_000))


@pytest.fixture
def land(county):
    return Category.objects.create(county=county.region, name="征地拆迁")


@pytest.fixture
def wages(county):
    return Category.objects.create(county=county.region, name="欠薪")


def cases(county, caseworker, n, *, region, category, lead_unit=None, **fields):
    """``n`` cases received on 10 November 2026, inserted in bulk (the arrangement, not the act under test)."""
    person = Petitioner.objects.create(county=county.region, name="信访人")
    rows = [Case(number=f"340822-2026-{next(SEQ):06d}", county=county.region, channel="letter", received_at=NOV,
                 lead_petitioner=person, category=category, summary="事项", region=region, lead_unit=lead_unit,
                 registered_by=caseworker, **fields) for _ in range(n)]
    return Case.objects.bulk_create(rows)


RESOLVED = {"status": "closed", "satisfaction": "satisfied"}


@pytest.fixture
def arranged(county, caseworker, county_admin, land, wages):
    """城关镇 and 河口镇; 住建局 and 人社局 (the government office and the petition bureau are not ranked)."""
    hekou = unit_create(name="河口镇党委政府", kind="township", region=county.townships[1])
    hrss = unit_create(name="县人力资源和社会保障局", kind="department", region=county.region)
    chengguan_village, hekou_village = county.villages[0], county.villages[2]
    # 城关镇: 10 first petitions, 9 resolved, one still unsatisfied; 3 of them about land; one skip-level; 2 repeats.
    first = cases(county, caseworker, 6, region=chengguan_village, category=wages, **RESOLVED)
    cases(county, caseworker, 3, region=chengguan_village, category=land, **RESOLVED)
    cases(county, caseworker, 1, region=chengguan_village, category=wages, status="handling",
          satisfaction="unsatisfied", is_skip_level=True)
    cases(county, caseworker, 2, region=chengguan_village, category=wages, is_repeat=True, repeat_of=first[0])
    # 河口镇: 4 first petitions, all resolved.
    cases(county, caseworker, 4, region=hekou_village, category=wages, **RESOLVED)
    # 住建局 leads 84 first petitions and resolved 82 of them (兰溪: 97.62 %); one backlog case not yet resolved.
    housing = cases(county, caseworker, 82, region=county.region, category=wages, lead_unit=county.housing,
                    **RESOLVED)
    cases(county, caseworker, 2, region=county.region, category=wages, lead_unit=county.housing, status="handling")
    Dossier.objects.create(case=housing[0], source="designated", opened_at=NOV)
    rules_save(actor=county_admin, county=county.region, key="index", values={"main_categories": [str(land.pk)]},
               reason="三大领域：征地拆迁")
    return {"hekou": hekou, "hrss": hrss, "scheme": rules_for(county.region, "index")}


def ranking(county, scheme):
    return sel.compute_ranking(county=county.region, scheme=scheme, start=date(2026, 11, 1), end=date(2026, 11, 30))


def by_unit(results):
    return {r.unit.name: r for r in results}


def test_the_lanxi_check_82_of_84_is_97_62_percent():
    assert sel.rate(82, 84) == Decimal("97.62")


def test_a_rate_with_nothing_to_count_has_no_value_not_a_perfect_one():
    assert sel.rate(0, 0) is None


def test_every_township_module_its_rank_score_index_and_colour(arranged, county):
    towns = by_unit(ranking(county, arranged["scheme"])["township"])
    chengguan, hekou = towns["怀宁县城关镇党委政府"], towns["河口镇党委政府"]

    assert {m: v["value"] for m, v in chengguan.values.items()} == {
        "first": Decimal("90.00"), "repeat": 2, "backlog": None, "main_fields": 3, "skip_level": 1,
        "satisfaction": Decimal("90.00")}
    assert (chengguan.values["first"]["numerator"], chengguan.values["first"]["denominator"]) == (9, 10)
    assert chengguan.values["backlog"] == {"value": None, "numerator": 0, "denominator": 0, "no_data": True}
    assert {m: v["value"] for m, v in hekou.values.items()} == {
        "first": Decimal("100.00"), "repeat": 0, "backlog": None, "main_fields": 0, "skip_level": 0,
        "satisfaction": Decimal("100.00")}
    # 河口镇 leads every module; neither has a backlog dossier, so neither is ranked or scored there.
    assert chengguan.ranks == {"first": 2, "repeat": 2, "backlog": None, "main_fields": 2, "skip_level": 2,
                               "satisfaction": 2}
    assert chengguan.scores["backlog"] is None
    # Backlog left out, the other weights renormalised: (20×98 + 15×98 + 15×98 + 15×98 + 15×98) / 80 = 98.00
    assert (chengguan.index, hekou.index) == (Decimal("98.00"), Decimal("100.00"))
    assert (hekou.rank, hekou.colour_name, chengguan.rank, chengguan.colour_name) == (1, "绿", 2, "黄")


def test_every_department_module_with_the_lanxi_rate(arranged, county):
    departments = by_unit(ranking(county, arranged["scheme"])["department"])
    housing, hrss = departments[county.housing.name], departments["县人力资源和社会保障局"]

    assert housing.values["first"]["value"] == Decimal("97.62")
    assert housing.values["backlog"] == {"value": Decimal("0.00"), "numerator": 0, "denominator": 1,
                                         "no_data": False}
    assert housing.values["satisfaction"]["value"] == Decimal("100.00")  # 82 evaluated, 82 satisfied
    # 人社局 had nothing to count in the three rates (无数据), and no repeat, main-field or skip-level petition.
    assert [m for m, v in hrss.values.items() if v["no_data"]] == ["first", "backlog", "satisfaction"]
    assert (hrss.ranks["first"], hrss.scores["first"]) == (None, None)
    # 住建局 is the only department with a rate to rank, so it places first in each (排名赋分 ranks units, not rates):
    # 100 everywhere. 人社局: 100 in the three counts it shares with 住建局, the rates left out. A tie.
    assert (housing.ranks["backlog"], housing.scores["backlog"]) == (1, Decimal(100))
    assert (hrss.index, housing.index) == (Decimal("100.00"), Decimal("100.00"))
    assert (hrss.rank, housing.rank, hrss.colour_name, housing.colour_name) == (1, 1, "绿", "绿")
    assert set(departments) == {county.housing.name, "县人力资源和社会保障局"}  # bureau and government are not ranked


def test_equal_indices_share_the_rank_and_are_listed_in_the_countys_order():
    from types import SimpleNamespace

    from scoring.selectors import UnitResult, _rank_group

    scheme = SimpleNamespace(weights={"first": 1, "repeat": 0, "backlog": 0, "main_fields": 0, "skip_level": 0,
                                      "satisfaction": 0},
                             rank_scores=[100, 90], band_mode="share", bands=INDEX_RULES.defaults()["bands"],
                             no_data_rule="exclude")

    def unit(name, order, first, satisfaction):
        values = {m: {"value": Decimal(0), "no_data": False} for m in ("repeat", "backlog", "main_fields",
                                                                         "skip_level")}
        values["first"] = {"value": Decimal(first), "no_data": False}
        values["satisfaction"] = {"value": Decimal(satisfaction), "no_data": False}
        return UnitResult(group="township", unit=SimpleNamespace(name=name), region=None, values=values, order=order)

    # Satisfaction differs, but carries no weight here: the indices are equal, and so are the ranks and colours.
    results = [unit("甲镇", 1, 90, 80), unit("乙镇", 2, 90, 95), unit("丙镇", 0, 90, 95)]
    _rank_group(scheme, results)

    assert [(r.unit.name, r.index, r.rank, r.colour_name) for r in results] == [
        ("丙镇", Decimal("100.00"), 1, "绿"), ("甲镇", Decimal("100.00"), 1, "绿"),
        ("乙镇", Decimal("100.00"), 1, "绿")]


def test_a_snapshot_is_made_once_and_never_changes(arranged, county, caseworker, wages):
    with time_machine.travel(datetime(2026, 12, 1, 6, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        made = ss.bulletins_due(today=date(2026, 12, 1))
    kinds = {s.kind for s in made if s.county_id == county.region.pk}
    assert kinds == {"day", "week", "month"}  # 1 December: the last week's days, the week to 29 November, November
    month = RankingSnapshot.objects.get(county=county.region, kind="month")
    assert (month.period_start, month.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    before = list(RankingRow.objects.filter(snapshot=month).values_list("unit__name", "index", "rank", "colour_name"))

    cases(county, caseworker, 30, region=county.villages[2], category=wages, is_skip_level=True)  # later data …
    again = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 11, 15))

    assert again.pk == month.pk
    assert list(RankingRow.objects.filter(snapshot=month).values_list("unit__name", "index", "rank",
                                                                      "colour_name")) == before


def test_mornings_the_beat_missed_are_made_up_once(arranged, county):
    # Beat last ran on Saturday 14 November; the server came back on Wednesday the 18th.
    with time_machine.travel(datetime(2026, 11, 18, 6, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        first = ss.bulletins_due(today=date(2026, 11, 18))
        again = ss.bulletins_due(today=date(2026, 11, 18))
    mine = RankingSnapshot.objects.filter(county=county.region)
    assert sorted(mine.filter(kind="day").values_list("period_start", flat=True)) == [
        date(2026, 11, d) for d in range(11, 18)]
    assert list(mine.filter(kind="week").values_list("period_start", "period_end")) == [
        (date(2026, 11, 9), date(2026, 11, 15))]
    assert {s.pk for s in again} == {s.pk for s in first}  # nothing made twice
    assert mine.count() == 8


def test_the_county_admin_publishes_a_new_scheme_version_and_bad_rules_are_refused(county_admin, caseworker, county):
    defaults = INDEX_RULES.defaults()
    with pytest.raises(ValidationFailed) as incomplete:
        rules_save(actor=county_admin, county=county.region, key="index", values={"weights": {"first": 1}},
                   reason="只填一项")
    with pytest.raises(NotPermitted):
        rules_save(actor=caseworker, county=county.region, key="index", values={"rank_scores": [100]}, reason="试")
    second = rules_save(actor=county_admin, county=county.region, key="index", reason="按分数线分色", values={
        "weights": {**defaults["weights"], "first": 40}, "rank_scores": [100, 95, 90], "band_mode": "score",
        "bands": [{"name": "优", "colour": "#0a0", "min_score": 95}, {"name": "差", "colour": "#a00", "min_score": 0}]})

    assert incomplete.value.detail == {"weights": ["模块权重须逐项填写。"]}
    assert (second.version, rules_for(county.region, "index").version) == (1, second)
    assert rules_for(county.region, "index").bands == [{"name": "优", "colour": "#0a0", "min_score": 95},
                                                       {"name": "差", "colour": "#a00", "min_score": 0}]


def test_a_published_ranking_keeps_the_names_it_was_published_with(arranged, county):
    snapshot = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 11, 15))
    county.housing.name = "县住房和城乡建设局（新）"
    county.housing.save()
    county.townships[1].name = "河口街道"
    county.townships[1].save()
    names = set(RankingRow.objects.filter(snapshot=snapshot).values_list("name", flat=True))
    assert {"怀宁县住房和城乡建设局", "怀宁县河口镇"} <= names
    assert "河口街道" not in names
