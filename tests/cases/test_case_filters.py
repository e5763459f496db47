"""The case list's filters as a caseworker meets them: clean URLs, names instead of codes and ids, 不限/是/否,
removable chips, and filters saved per person."""

import re

import pytest

from cases.models import SavedFilter
from cases.services import SAVED_FILTERS_PER_PERSON

pytestmark = pytest.mark.django_db


def rows(html: str) -> set[str]:
    return set(re.findall(r'data-case="([^"]+)"', html))


def test_a_submitted_form_with_empty_fields_comes_back_as_a_clean_url(client_as, caseworker, register):
    response = client_as(caseworker).get("/cases/?q=&status=handling&channel=&region=&unit=&is_repeat=&card=")

    assert response.status_code == 302
    assert response.url == "/cases/?status=handling"
    assert client_as(caseworker).get("/cases/?q=&unit=").url == "/cases/"


def test_yes_no_filters_offer_any_yes_and_no(client_as, caseworker, register):
    html = client_as(caseworker).get("/cases/").content.decode()

    select = re.search(r'<select name="is_repeat".*?</select>', html, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", select) == ["不限", "是", "否"]
    assert "未知" not in html


def test_the_region_and_unit_show_their_names_and_chips_remove_one_condition(client_as, caseworker, county,
                                                                             register):
    inside = register(region=county.villages[0])
    register(region=county.villages[2])
    from workflow import case_accept, case_assign

    case_accept(actor=caseworker, case=inside, version=inside.version)
    inside.refresh_from_db()
    case_assign(actor=caseworker, case=inside, version=inside.version, lead_unit=county.housing)

    url = f"/cases/?region={county.townships[0].code}&unit={county.housing.pk}&status=assigned&status=handling"
    html = client_as(caseworker).get(url).content.decode()

    assert rows(html) == {inside.number}
    assert f'<option value="{county.townships[0].code}" selected>{county.townships[0].name}</option>' in html
    assert f'<option value="{county.housing.pk}" selected>{county.housing.name}</option>' in html
    chips = {label.strip(): url for label, url in re.findall(
        r'data-filter="[^"]+">([^<]+)<a class="text-reset[^"]*" href="([^"]+)"', html)}
    assert set(chips) == {f"问题属地（含下级）：{county.townships[0].name}", "主办单位：怀宁县住房和城乡建设局",
                          "状态：已交办", "状态：办理中"}
    # Each chip's link is the list without that one condition.
    without_unit = chips["主办单位：怀宁县住房和城乡建设局"].replace("&amp;", "&")
    assert without_unit == f"?region={county.townships[0].code}&status=assigned&status=handling"


def test_a_region_outside_the_jurisdiction_shows_no_name_and_no_rows(client_as, caseworker, other_county,
                                                                     register):
    register()

    html = client_as(caseworker).get(f"/cases/?region={other_county.townships[0].code}").content.decode()

    assert rows(html) == set()
    assert other_county.townships[0].name not in html


def test_a_caseworker_saves_opens_and_deletes_a_filter(client_as, caseworker, register):
    client = client_as(caseworker)
    register()

    response = client.post("/cases/filters/", {"name": "本周红牌", "query": "card=red&ordering=due_on&page=3"})

    assert response.status_code == 302 and response.url == "/cases/?card=red&ordering=due_on"
    saved = SavedFilter.objects.get(user=caseworker)
    assert (saved.name, saved.query) == ("本周红牌", "card=red&ordering=due_on")
    html = client.get("/cases/").content.decode()
    assert '<a class="btn btn-outline-secondary py-0" href="?card=red&amp;ordering=due_on">本周红牌</a>' in html

    # The same name replaces the filter.
    client.post("/cases/filters/", {"name": "本周红牌", "query": "card=yellow"})
    assert list(SavedFilter.objects.filter(user=caseworker).values_list("query", flat=True)) == ["card=yellow"]

    assert client.post(f"/cases/filters/{saved.pk}/delete/").status_code == 302
    assert not SavedFilter.objects.exists()


def test_a_filter_that_does_not_read_or_has_no_name_is_not_saved(client_as, caseworker):
    client = client_as(caseworker)

    client.post("/cases/filters/", {"name": "坏的", "query": "received_after=not-a-date"})
    response = client.post("/cases/filters/", {"name": "  ", "query": "card=red"}, follow=True)

    assert "请填写筛选名称。" in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_saved_filters_are_capped_and_personal(client_as, caseworker, other_caseworker):
    client = client_as(caseworker)
    for n in range(SAVED_FILTERS_PER_PERSON):
        SavedFilter.objects.create(user=caseworker, name=f"筛选{n}", query="card=red")

    response = client.post("/cases/filters/", {"name": "再多一个", "query": "card=red"}, follow=True)

    assert f"最多保存{SAVED_FILTERS_PER_PERSON}个筛选" in response.content.decode()
    assert SavedFilter.objects.filter(user=caseworker).count() == SAVED_FILTERS_PER_PERSON
    mine = SavedFilter.objects.filter(user=caseworker).first()
    other = client_as(other_caseworker)
    assert other.post(f"/cases/filters/{mine.pk}/delete/").status_code == 404
    assert "筛选0" not in other.get("/cases/").content.decode()
    assert SavedFilter.objects.filter(pk=mine.pk).exists()


def test_the_filtered_list_with_chips_costs_a_fixed_number_of_queries(client_as, caseworker, county, register,
                                                                      django_assert_max_num_queries):
    client = client_as(caseworker)
    for _ in range(8):
        register()
    SavedFilter.objects.create(user=caseworker, name="在办", query="open=true")
    url = f"/cases/?region={county.townships[0].code}&status=registered&open=true&is_repeat=false"
    client.get(url)

    with django_assert_max_num_queries(17):
        html = client.get(url).content.decode()

    assert "共 8 条" in html and len(rows(html)) == 8


def test_the_header_search_opens_a_case_by_its_number_and_lists_a_petitioners_cases(client_as, caseworker,
                                                                                   other_caseworker, register):
    from tests.cases.conftest import ID_WANG

    first, second = register(), register(summary="再次反映工资问题")
    client = client_as(caseworker)

    assert 'data-testid="header-search"' in client.get("/").content.decode()
    response = client.get("/cases/", {"q": first.number})
    assert response.status_code == 302 and response.url == f"/cases/{first.pk}/"
    assert rows(client.get("/cases/", {"q": ID_WANG}).content.decode()) == {first.number, second.number}
    assert rows(client.get("/cases/", {"q": "13805561234"}).content.decode()) == {first.number, second.number}
    assert rows(client.get("/cases/", {"q": "王建国"}).content.decode()) == {first.number, second.number}
    # Another county's caseworker finds nothing by the number: no redirect, no row.
    other = client_as(other_caseworker).get("/cases/", {"q": first.number})
    assert other.status_code == 200 and rows(other.content.decode()) == set()
