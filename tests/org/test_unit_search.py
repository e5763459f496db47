"""Finding a unit as people name it: 住建 for 县住房和城乡建设局, departments before villages, villages with their
township, and the system administrator recording a unit's short name and aliases."""

import pytest

from xinfang.org.choices import UnitKind
from xinfang.org.models import AuditEvent
from xinfang.org.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages(county):
    """Two 高桥村村委会 in two townships, and a village whose name holds 住 and 建 apart."""
    first, second = county.villages[0], county.villages[2]
    return [unit_create(name="高桥村村委会", kind=UnitKind.VILLAGE, region=first),
            unit_create(name="高桥村村委会", kind=UnitKind.VILLAGE, region=second),
            unit_create(name="住家建新村村委会", kind=UnitKind.VILLAGE, region=county.villages[1])]


def labels(response):
    assert response.status_code == 200, response.content
    return [unit["label"] for unit in response.json()["results"]]


def test_zhujian_finds_the_housing_bureau_first(api_as, caseworker, county, villages):
    found = labels(api_as(caseworker).get("/api/v1/units/", {"q": "住建"}))

    # The characters in order find the department; it comes before a village holding them too.
    assert found[0] == "怀宁县住房和城乡建设局"
    assert "住家建新村村委会（怀宁县城关镇）" in found


def test_short_names_aliases_and_pinyin_initials_find_a_unit(api_as, caseworker, county):
    api = api_as(caseworker)
    county.housing.short_name, county.housing.aliases = "住建局", "建设局、房管局"
    county.housing.save()

    for typed in ("住建局", "房管局", "zjj", "FGJ", "zhujian", "住房"):
        assert labels(api.get("/api/v1/units/", {"q": typed}))[:1] == ["怀宁县住房和城乡建设局"], typed
    assert labels(api.get("/api/v1/units/", {"q": "公安"})) == []


def test_villages_are_told_apart_by_their_township_and_listed_after_departments(api_as, caseworker, county,
                                                                               villages):
    found = labels(api_as(caseworker).get("/api/v1/units/", {"page_size": 100}))

    assert found.index("怀宁县住房和城乡建设局") < found.index("怀宁县城关镇党委政府") < found.index(
        "高桥村村委会（怀宁县城关镇）")
    assert "高桥村村委会（怀宁县城关镇）" in found and "高桥村村委会（怀宁县河口镇）" in found
    assert found[0] == "怀宁县信访局"


def test_the_unit_list_answers_in_a_bounded_number_of_queries(api_as, caseworker, county, villages,
                                                              django_assert_max_num_queries):
    api = api_as(caseworker)
    for n in range(10):
        unit_create(name=f"第{n}村村委会", kind=UnitKind.VILLAGE, region=county.villages[n % 4])

    with django_assert_max_num_queries(8):
        assert len(labels(api.get("/api/v1/units/", {"q": "村", "page_size": 50}))) == 13


def test_another_countys_units_are_not_found(api_as, other_caseworker, county, villages):
    assert labels(api_as(other_caseworker).get("/api/v1/units/", {"q": "住建"})) == [
        "望江县住房和城乡建设局"]


def test_the_system_admin_records_short_name_and_aliases(client_as, system_admin, caseworker, county, api_as):
    page = client_as(system_admin)
    url = f"/org/units/{county.housing.pk}/"

    response = page.post(url, {"short_name": "住建局", "aliases": "建设局  房管局，规划建设局"})

    assert response.status_code == 302
    county.housing.refresh_from_db()
    assert (county.housing.short_name, county.housing.aliases) == ("住建局", "建设局、房管局、规划建设局")
    event = AuditEvent.objects.get(action="unit.names")
    assert event.changes["after"]["aliases"] == "建设局、房管局、规划建设局"
    assert labels(api_as(caseworker).get("/api/v1/units/", {"q": "规划建设局"})) == ["怀宁县住房和城乡建设局"]
    assert "住建局" in page.get(url).content.decode()


def test_a_too_long_short_name_is_refused_and_changes_nothing(client_as, system_admin, county):
    response = client_as(system_admin).post(f"/org/units/{county.housing.pk}/", {"short_name": "住" * 31,
                                                                                 "aliases": "房管局"})

    assert response.status_code == 400
    assert "简称最多30个字。" in response.content.decode()
    county.housing.refresh_from_db()
    assert (county.housing.short_name, county.housing.aliases) == ("", "")


def test_a_caseworker_or_county_admin_cannot_change_a_units_names(client_as, caseworker, county_admin, county):
    assert client_as(county_admin).post(f"/org/units/{county.housing.pk}/", {"short_name": "x"}).status_code == 403
    assert client_as(caseworker).post(f"/org/units/{county.housing.pk}/", {"short_name": "x"}).status_code == 403


def test_another_countys_admin_gets_404(client_as, county, other_county):
    from tests.factories import make_person

    admin = make_person("other.admin", other_county.bureau, ["system_admin"])

    assert client_as(admin).post(f"/org/units/{county.housing.pk}/", {"short_name": "x"}).status_code == 404
