"""A leader designates a case as backlog from its page; the petition office builds the dossier (owner, task force,
plan and a measure) and puts it in force; the measure is done, the resolution is signed off, and the owning leader
approves its closure (销号)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers.models import Dossier
from tests.cases.conftest import case, register  # noqa: F401 — the letter to designate

from .test_case_journey import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, name, fields=None, checks=()):
    """Open the dossier page's action ``name``, fill its fields (by name) and confirm it."""
    action = page.locator(f'details[data-action="{name}"]')
    action.locator("summary").click()
    form = action.locator("form")
    for field, value in (fields or {}).items():
        control = form.locator(f"[name={field}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value=str(value))
        else:
            control.fill(str(value))
    for field in checks:
        form.locator(f"[name={field}]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()


def test_a_backlog_case_from_designation_to_closure(page, case, leader, caseworker, unit_officer):  # noqa: F811
    login(page, "wang.leader")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    page.get_by_label("列为积案理由").fill("多年重复信访，涉及住建、人社多个部门")
    page.get_by_role("button", name="指定为积案").click()
    page.wait_for_load_state()
    dossier = Dossier.objects.get(case=case)
    assert page.url.endswith(f"/dossiers/{dossier.pk}/")
    assert "专班成员" in page.get_by_test_id("plan-gaps").inner_text()

    login(page, "zhang.caseworker")
    page.goto(page.base_url + f"/dossiers/{dossier.pk}/")
    act(page, "owners", {"primary": leader.pk})
    act(page, "member", {"user": unit_officer.pk, "role": "head"})
    act(page, "plan", {"plan": "一案一策：先核实、再协调、后疏导", "facts": "查清欠薪金额",
                       "difficulty": "协调施工方筹款", "persuasion": "包案领导当面释法"})
    act(page, "measure", {"owner": unit_officer.pk, "action": "督促施工方十日内付清工资",
                          "due_on": (timezone.localdate() + timedelta(days=10)).isoformat()})
    act(page, "start")
    assert Dossier.objects.get(pk=dossier.pk).stage == "resolving"
    assert "王县长" in page.get_by_test_id("owners").inner_text()

    measures = page.get_by_test_id("measures")
    measures.locator("input[name=note]").fill("工资已全部付清")
    measures.get_by_role("button", name="已完成").click()
    page.wait_for_load_state()
    act(page, "sign_off", {"note": "经督导验收，信访人已签订息诉承诺", "agreement": "化解协议一份"},
        checks=["petitioner_stopped"])
    assert Dossier.objects.get(pk=dossier.pk).stage == "resolved"

    login(page, "wang.leader")
    page.goto(page.base_url + f"/dossiers/{dossier.pk}/")
    act(page, "close", {"note": "同意销号"})

    closed = Dossier.objects.get(pk=dossier.pk)
    assert (closed.stage, closed.closed_by) == ("closed", leader)
    assert "已销号" in page.content()
    page.goto(page.base_url + f"/dossiers/{dossier.pk}/print/")
    for words in [case.number, "督促施工方十日内付清工资", "包案领导审批销号"]:
        assert words in page.content()
