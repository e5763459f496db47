"""A county admin edits the county's categories and workflow rules in the product; changes are audited."""

import pytest
from django.utils import timezone

from cases.models import Category
from cases.services import case_settings_for
from xinfang.org.models import AuditEvent
from xinfang.rules.models import RulesVersion
from xinfang.rules.services import rules_save

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
    client_as(county_admin).post("/settings/cases/", {"return_window_days": "10", "extension_max_days": "30",
                                                      "max_extensions": "2", "collective_head_count": "5",
                                                      "reason": "县信访联席会议决定"})

    rules = case_settings_for(county.region)
    assert (rules.return_window_days, rules.max_extensions) == (10, 2)
    assert AuditEvent.objects.get(action="rules.cases.save").changes == {"return_window_days": [5, 10],
                                                                          "max_extensions": [1, 2]}


def test_bad_rule_values_are_refused_and_nothing_changes(client_as, county_admin, county):
    response = client_as(county_admin).post("/settings/cases/", {"return_window_days": "0",
                                                                 "extension_max_days": "500",
                                                                 "max_extensions": "1", "collective_head_count": "5",
                                                                 "reason": "试试"})

    assert response.status_code == 400 and "请修改标红的项目后再保存" in response.content.decode()
    assert case_settings_for(county.region).return_window_days == 5 and not RulesVersion.objects.exists()


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


def test_the_county_sets_who_counts_as_a_collective_petition(register, county_admin, county):
    before = register(head_count=3)
    rules_save(actor=county_admin, county=county.region, key="cases", values={"collective_head_count": 3},
               reason="县信访联席会议：3人以上按集体访办理")
    # Received now: a rule applies from the day it is saved, and two hours ago may be yesterday (after midnight).
    after = register(head_count=3, received_at=timezone.now())
    two = register(head_count=2, received_at=timezone.now())

    assert (before.is_collective, after.is_collective, two.is_collective) == (False, True, False)
