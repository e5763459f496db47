"""In a real browser: the county admin uploads the office's old ledger, maps a category the county calls otherwise,
watches the dry run's progress bar fill and the page reload with its result, and imports the rows."""

import pytest

from cases.models import Case
from tests.browser.conftest import PHONE, shot
from tests.browser.test_case_journey import login
from tests.exchange.test_ledger import a_row, ledger_file
from xinfang.exchange import tasks
from xinfang.exchange.models import LedgerImport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_admin_imports_the_old_ledger_in_the_browser(page, county_admin, categories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "2023年信访台账.xlsx"
    path.write_bytes(ledger_file([a_row(n) for n in range(1, 21)] + [a_row(21, 信访类别="城建纠纷"),
                                                                     a_row(22, 登记日期="2023-02-30")]).read())
    login(page, county_admin.username)
    page.get_by_role("button", name="设置").click()
    page.get_by_role("link", name="台账导入").click()
    page.get_by_role("button", name="上传并对照各列").click()
    assert "请选择要上传的台账文件" in page.content()
    page.get_by_label("台账文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并对照各列").click()
    shot(page, "ledger-mapping-desktop")

    page.get_by_label("信访形式：空白时的值").select_option("letter")
    page.get_by_role("button", name="保存对照并检查").click()
    page.get_by_test_id("progress").wait_for()  # queued: the bar shows until the worker is done
    shot(page, "ledger-progress-desktop")
    imp = LedgerImport.objects.get()
    tasks.ledger_check.apply(args=[imp.pk])  # the worker's turn
    page.get_by_test_id("summary").wait_for(timeout=10_000)  # the page reloads by itself
    assert page.get_by_test_id("rows-valid").inner_text() == "20"
    assert page.get_by_test_id("rows-error").inner_text() == "2"
    shot(page, "ledger-checked-desktop")

    page.get_by_label("城建纠纷").select_option(label="征地拆迁")
    page.get_by_role("button", name="保存对照并重新检查").click()
    tasks.ledger_check.apply(args=[imp.pk])
    page.get_by_test_id("rows-valid").filter(has_text="21").wait_for(timeout=10_000)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("start-import").click()
    page.get_by_test_id("progress").wait_for()
    tasks.ledger_import.apply(args=[imp.pk])
    page.get_by_test_id("rows-imported").wait_for(timeout=10_000)
    assert page.get_by_test_id("rows-imported").inner_text() == "21"
    assert Case.objects.filter(external_system="ledger").count() == 21
    shot(page, "ledger-imported-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    shot(page, "ledger-imported-phone")
    page.goto(page.base_url + "/exchange/imports/")
    shot(page, "ledger-list-phone")
