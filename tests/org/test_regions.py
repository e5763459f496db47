"""Building the region tree: codes nest, levels step down one at a time, bad input changes nothing."""

import pytest

from xinfang.errors import ValidationFailed
from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region
from xinfang.org.services import region_create

pytestmark = pytest.mark.django_db


def test_a_township_gets_the_materialised_path_of_its_ancestors(county):
    township = county.townships[0]

    assert township.path == "340000000000/340800000000/340822000000/340822100000/"
    assert township.ancestor_codes == ["340000000000", "340800000000", "340822000000", "340822100000"]
    assert township.ancestor_at(RegionLevel.COUNTY) == county.region


def test_a_region_whose_code_is_not_under_its_parent_is_refused(county):
    before = Region.objects.count()

    with pytest.raises(ValidationFailed) as exc:
        region_create(code="340827101000", name="错位镇", level=RegionLevel.TOWNSHIP, parent=county.region)

    assert exc.value.code == "invalid_region_code"
    assert Region.objects.count() == before


def test_a_region_that_skips_a_level_is_refused(county):
    with pytest.raises(ValidationFailed) as exc:
        region_create(code="340822100299", name="跳级村", level=RegionLevel.VILLAGE, parent=county.region)

    assert exc.value.code == "invalid_region_parent"


def test_a_code_that_is_not_twelve_digits_is_refused_with_a_chinese_message(county):
    with pytest.raises(ValidationFailed) as exc:
        region_create(code="3408221", name="短码镇", level=RegionLevel.TOWNSHIP, parent=county.region)

    assert "code" in exc.value.detail
    assert not Region.objects.filter(name="短码镇").exists()


def test_a_duplicate_code_is_refused(county):
    with pytest.raises(ValidationFailed):
        region_create(code=county.townships[0].code, name="重复镇", level=RegionLevel.TOWNSHIP, parent=county.region)
