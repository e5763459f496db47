"""The county head opens the dashboard for November, reads a KPI and its definition, and checks the figure: the
numerator's link and a bar of the category chart each open the case list with exactly the cases counted."""

from datetime import datetime

import pytest
import time_machine

from tests.dashboards.conftest import TODAY, arrange

from .test_case_journey import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def november(county, other_county, caseworker):
    # The clock ticks from 25 November 2026 (the fixed county's "today"), so the live server's pages see that day.
    with time_machine.travel(TODAY, tick=True):
        yield arrange(county, caseworker, other_county)


def test_the_county_head_checks_the_resolution_rate_behind_the_dashboard(page, november, county, leader):
    login(page, "wang.leader")
    page.get_by_role("link", name="驾驶舱").click()
    page.wait_for_url("**/dashboard/")
    page.get_by_label("起始月份").fill("2026-11")
    page.get_by_label("截止月份").fill("2026-11")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/dashboard/?*start=2026-11*")

    resolution = page.locator("[data-kpi=resolution]")
    assert resolution.get_by_test_id("kpi-resolution").inner_text() == "44.44%"
    resolution.locator(".kpi-help").hover()  # the definition, as a tooltip
    assert "已办结，且回访满意或基本满意" in page.locator(".tooltip").inner_text()
    assert page.get_by_test_id("kpi-definitions").is_visible()

    resolution.get_by_test_id("kpi-resolution-numerator").click()
    page.wait_for_url("**/cases/?*measure=resolved*")
    rows = page.locator("[data-testid=case-table] tbody tr[data-case]")
    assert rows.count() == 4
    numbers = {rows.nth(i).get_attribute("data-case") for i in range(4)}
    assert numbers == {november.cases[n].number for n in ("C1", "C2", "C3", "C8")}

    # Back on the dashboard, the 征地拆迁 bar of the category chart opens its one case.
    page.go_back()
    page.wait_for_function("() => document.querySelector('#chart-categories canvas') !== null")
    page.locator("#chart-categories").scroll_into_view_if_needed()
    box = page.locator("#chart-categories").bounding_box()
    bar = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-categories'));
        const data = chart.getModel().getSeriesByIndex(0).getData();
        const labels = chart.getOption().yAxis[0].data;
        const i = labels.indexOf('征地拆迁');
        return i < 0 ? null : data.getItemLayout(i);
    }""")
    assert bar is not None
    page.wait_for_timeout(1500)  # ECharts grows the bars in; click the middle of the grown bar
    page.mouse.click(box["x"] + bar["x"] + bar["width"] / 2, box["y"] + bar["y"] + bar["height"] / 2)
    page.wait_for_url(f"**/cases/?*category={november.land.pk}*")
    assert page.locator("[data-testid=case-table] tbody tr[data-case]").count() == 1
    assert november.cases["C3"].number in page.content()
    assert datetime.now().year == 2026  # the pages above were read on the fixed county's day
