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
    page.wait_for_function("document.querySelector('#chart-grid canvas') !== null")

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
