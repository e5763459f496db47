"""A county admin edits the county's categories and workflow rules in the product; changes are audited."""

import pytest

from cases.models import CaseSettings, Category
from xinfang.org.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_county_admin_adds_a_category_that_intake_then_offers(client_as, county_admin, caseworker, categories):
    client_as(county_admin).post("/cases/rules/categories/", {"name": "拖欠工程款",
                                                              "parent": categories["labour"].pk})

    added = Category.objects.get(name="拖欠工程款")
    assert added.parent == categories["labour"] and added.is_active
    assert "劳动社保/拖欠工程款" in client_as(caseworker).get("/cases/new/").content.decode()
    assert AuditEvent.objects.filter(action="category.create", actor=county_admin).exists()


def test_a_switched_off_category_is_no_longer_offered_at_intake(client_as, county_admin, caseworker, categories):
    client_as(county_admin).post(f"/cases/rules/categories/{categories['land'].pk}/toggle/")

    assert not Category.objects.get(pk=categories["land"].pk).is_active
    assert "征地拆迁" not in client_as(caseworker).get("/cases/new/").content.decode()


def test_the_return_window_is_a_county_setting(client_as, county_admin, county):
    client_as(county_admin).post("/cases/rules/update/", {"return_window_days": "10", "extension_max_days": "30",
                                                          "max_extensions": "2"})

    rules = CaseSettings.objects.get(county=county.region)
    assert (rules.return_window_days, rules.max_extensions) == (10, 2)
    assert AuditEvent.objects.get(action="case_settings.update").changes == {"return_window_days": [5, 10],
                                                                              "max_extensions": [1, 2]}


def test_bad_rule_values_are_refused_and_nothing_changes(client_as, county_admin, county):
    response = client_as(county_admin).post("/cases/rules/update/", {"return_window_days": "0",
                                                                     "extension_max_days": "500",
                                                                     "max_extensions": "1"}, follow=True)

    assert "延期天数应在1至90天之间" in response.content.decode()
    assert CaseSettings.objects.get(county=county.region).return_window_days == 5


def test_a_caseworker_may_not_edit_the_rules(client_as, caseworker):
    assert client_as(caseworker).get("/cases/rules/").status_code == 403


def test_an_admin_cannot_switch_off_another_countys_category(client_as, county_admin, other_categories):
    response = client_as(county_admin).post(f"/cases/rules/categories/{other_categories['land'].pk}/toggle/")

    assert response.status_code == 404
    assert Category.objects.get(pk=other_categories["land"].pk).is_active


def test_the_category_tree_has_two_levels(county, county_admin, categories):
    from cases.services import category_create
    from xinfang.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        category_create(actor=county_admin, county=county.region, name="工程款", parent=categories["wages"])
    assert "类别最多两级" in str(refused.value.detail["parent"])
    assert not categories["wages"].children.exists()
