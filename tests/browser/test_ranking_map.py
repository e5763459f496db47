"""A caseworker opens the five-colour map of last month's ranking and clicks a township's tile to see its modules
and the cases behind them."""

from datetime import date

import pytest

from scoring import services as ss
from tests.scoring.test_rankings import arranged, cases, land, wages  # noqa: F401 — the fixed county

from .test_case_journey import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_five_colour_map_drills_into_a_township(page, arranged, county):  # noqa: F811
    snapshot = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 11, 15))
    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/scoring/map/?snapshot={snapshot.pk}")
    page.wait_for_function("() => document.querySelector('#chart-grid canvas') !== null")

    # Where ECharts drew 河口镇's tile, clicked like a person would.
    box = page.locator("#chart-grid").bounding_box()
    tile = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-grid'));
        const data = chart.getModel().getSeriesByIndex(0).getData();
        for (let i = 0; i < data.count(); i++) {
            const layout = data.getItemLayout(i);
            if (data.getName(i).includes('河口镇') && layout) return layout;
        }
        return null;
    }""")
    assert tile is not None
    page.mouse.click(box["x"] + tile["x"] + tile["width"] / 2, box["y"] + tile["y"] + tile["height"] / 2)
    page.wait_for_url("**/scoring/*/units/*/")

    content = page.content()
    assert "河口镇" in content and "100.00" in content
    link = page.locator("a[href*='/cases/?']").first
    assert county.townships[1].code in link.get_attribute("href")


def test_tied_townships_are_drawn_in_one_colour_with_the_rule_beneath(page, arranged, county):  # noqa: F811
    # October: nothing was received, so both townships did equally well — first, and green, both of them.
    snapshot = ss.snapshot_generate(county=county.region, kind="month", day=date(2026, 10, 15))
    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/scoring/map/?snapshot={snapshot.pk}")
    page.wait_for_function("() => document.querySelector('#chart-grid canvas') !== null")

    drawn = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-grid'));
        const data = chart.getModel().getSeriesByIndex(0).getData();
        const out = [];
        for (let i = 0; i < data.count(); i++) {
            if (data.getName(i)) out.push([data.getName(i), data.getItemVisual(i, 'style').fill]);  // not the root
        }
        return out;
    }""")
    assert len(drawn) == 2 and {fill for _name, fill in drawn} == {"#2e7d32"}
    ranks = page.locator("[data-testid=township-list] tbody tr td:first-child").all_inner_texts()
    assert ranks == ["1", "1"]
    assert page.get_by_test_id("rule-notes").is_visible()
