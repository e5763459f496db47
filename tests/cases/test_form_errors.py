"""A caseworker who gets a form wrong sees every mistake at once, in plain Chinese, beside its field, and nothing
is saved."""

import re

import pytest

from cases.models import Case, Petitioner

pytestmark = pytest.mark.django_db

# Framework wording a caseworker should never read.
FRAMEWORK = ["null", "该字段", "This field", "pk", "对象不存在", "不是合法选项", "Invalid", "格式错误"]


def test_the_intake_form_shows_every_error_at_once(client_as, caseworker, county, categories):
    response = client_as(caseworker).post("/cases/new/", {
        "channel": "letter", "received_at": "2026-13-45T25:00", "petitioner_name": "",
        "petitioner_id_number": "340822199003157719", "petitioner_phone": "12345", "category": "",
        "region": "", "summary": "", "head_count": "0"})

    assert response.status_code == 400
    html = response.content.decode()
    errors = {name: re.search(rf'id="{name}".*?<div class="invalid-feedback">([^<]*)</div>', html, re.S).group(1)
              for name in ("petitioner_name", "petitioner_id_number", "petitioner_phone", "received_at", "category",
                           "region", "summary", "head_count")}
    assert errors["petitioner_id_number"] == "身份证号码校验位不正确，请核对。"
    assert errors["petitioner_phone"] == "电话号码无效，请填写11位手机号或带区号的固定电话。"
    assert all(errors.values()), errors  # every one of the eight is reported, none waits for the next round
    for message in errors.values():
        assert not any(word in message for word in FRAMEWORK), message
    assert errors["category"] == errors["region"] == "请填写此项。"
    assert "登记未完成，请按提示修改后重新提交。" in html
    assert not Case.objects.exists() and not Petitioner.objects.exists()


def test_a_refused_action_opens_its_form_again_with_what_was_typed_and_the_errors_beside_the_fields(
        client_as, caseworker, case):
    client = client_as(caseworker)
    client.post(f"/cases/{case.pk}/act/accept/", {"version": case.version})
    case.refresh_from_db()

    response = client.post(f"/cases/{case.pk}/act/assign/", {
        "version": case.version, "lead_unit": "", "tasks": "请核实工资发放情况", "assist_units": ["999999"]})

    assert response.status_code == 400
    html = response.content.decode()
    form = re.search(r'<details class="mb-2 action-details" data-action="assign" open>.*?</details>', html, re.S)
    assert form, "the assign form is open again"
    form = form.group(0)
    assert "请核实工资发放情况" in form  # what was typed is still there
    lead = re.search(r'data-error-for="lead_unit">([^<]+)<', form).group(1)
    assist = re.search(r'data-error-for="assist_units">([^<]+)<', form).group(1)
    assert lead == "请填写此项。"
    assert assist == "所选的项不存在或不在您的辖区内，请重新选择。"
    assert "交办未完成，请按提示修改后再提交。" in html
    case.refresh_from_db()
    assert case.status == "accepted" and case.lead_unit_id is None


def test_a_missing_reason_is_said_in_plain_chinese(client_as, caseworker, case):
    client = client_as(caseworker)

    response = client.post(f"/cases/{case.pk}/act/not-accept/", {"version": case.version, "reason": ""})

    assert response.status_code == 400
    message = re.search(r'data-error-for="reason">([^<]+)<', response.content.decode()).group(1)
    assert message == "请填写此项。"
