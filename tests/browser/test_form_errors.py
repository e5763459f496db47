"""A caseworker who gets the intake form wrong sees every mistake at once, beside its field, on a desktop and on a
phone; a case that does not exist is the product's own Chinese 404."""

import pytest

from cases.models import Case
from tests.browser.conftest import PHONE, shot
from tests.browser.test_case_journey import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_the_intake_form_shows_all_its_errors_at_once(page, caseworker, county, categories, viewport):
    page.set_viewport_size(viewport)
    login(page, "zhang.caseworker")
    page.goto(page.base_url + "/cases/new/")
    page.locator("#petitioner_name").fill("王建国")
    page.locator("#petitioner_id_number").fill("340822199003157719")
    page.locator("#petitioner_phone").fill("12345")
    page.locator("#summary").fill("")
    page.evaluate("document.querySelectorAll('form [required]').forEach(e => e.removeAttribute('required'))")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    feedback = {el.get_attribute("id"): el.evaluate("e => e.parentElement.querySelector('.invalid-feedback').innerText")
                for el in page.locator(".is-invalid").all()}
    assert feedback["petitioner_id_number"] == "身份证号码校验位不正确，请核对。"
    assert feedback["petitioner_phone"] == "电话号码无效，请填写11位手机号或带区号的固定电话。"
    assert feedback["summary"] == "请填写此项。"
    assert page.locator("#petitioner_id_number").input_value() == "340822199003157719"  # kept as typed
    assert "null" not in page.content()
    shot(page, f"intake-errors-{viewport['width']}")
    assert not Case.objects.exists()


def test_a_missing_case_is_the_products_own_404(page, caseworker):
    login(page, "zhang.caseworker")
    response = page.goto(page.base_url + "/cases/999999/")

    assert response.status == 404
    assert "页面不存在" in page.content() and "不在您的辖区范围内" in page.content()
    assert "Page not found" not in page.content() and "URLconf" not in page.content()
    shot(page, "404")
