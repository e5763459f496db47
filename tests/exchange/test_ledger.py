"""The county admin brings the office's old Excel ledger in: uploads it, maps its columns once, sees a dry run with
every refused row and its reason, imports the rest in one go — and a second run imports nothing twice."""

import io
from datetime import datetime

import pytest
from django.core.cache import cache
from django.utils.timezone import localtime
from openpyxl import Workbook, load_workbook

from cases.exports import write_case_ledger
from cases.models import Case, Petitioner, TimelineEvent
from deadlines.models import Deadline
from tests.cases.conftest import ID_LI, ID_WANG
from tests.factories import make_person
from tests.workers import RealWorker, wait_for
from workflow import ledger
from xinfang.exchange import tasks
from xinfang.exchange.models import LedgerImport, LedgerMapping
from xinfang.org.models import AuditEvent

HEADERS = ["序号", "登记日期", "来源", "信访人姓名", "身份证号", "联系电话", "问题属地", "信访类别", "反映问题",
           "责任单位", "办理状态", "办结日期", "是否重复"]


def ledger_file(rows, headers=HEADERS, name="2023年信访台账.xlsx") -> io.BytesIO:
    """An Excel ledger as an office keeps it: a title-less header row, then one row per matter."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


def a_row(n, **overrides):
    row = {"序号": n, "登记日期": datetime(2023, 3, n % 28 + 1, 9, 30), "来源": "来信", "信访人姓名": f"群众{n}",
           "身份证号": "", "联系电话": "", "问题属地": "怀宁县城关镇第1村", "信访类别": "欠薪",
           "反映问题": f"反映某工地拖欠工资（第{n}件）", "责任单位": "怀宁县住房和城乡建设局", "办理状态": "已办结",
           "办结日期": datetime(2023, 5, n % 28 + 1), "是否重复": "否"}
    row.update(overrides)
    return [row[h] for h in HEADERS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, data):
    return client.post("/exchange/imports/", {"file": data})


def check(client, imp, **extra):
    """Save the mapping as the page proposes it (plus ``extra`` answers), then let the worker check the file."""
    page = client.get(f"/exchange/imports/{imp.pk}/").content.decode()
    form = {"action": "mapping"}
    for f in ledger.FIELDS:
        column = ledger.proposed_mapping(LedgerImport.objects.get(pk=imp.pk))["columns"].get(f.key, "")
        form[f"col-{f.key}"] = column
    form.update(extra)
    response = client.post(f"/exchange/imports/{imp.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    tasks.ledger_check.apply(args=[imp.pk])  # the Celery task, run here
    imp.refresh_from_db()
    return page


def run_import(client, imp):
    response = client.post(f"/exchange/imports/{imp.pk}/", {"action": "import"})
    assert response.status_code == 302
    tasks.ledger_import.apply(args=[imp.pk])
    imp.refresh_from_db()


def test_the_county_admin_maps_checks_and_imports_the_old_ledger(client_as, county_admin, county, categories,
                                                                 register, caseworker):
    known = register()  # 王建国 is on file with his ID number and phone
    rows = [
        a_row(1, 信访人姓名="王建国", 身份证号=ID_WANG),  # found by ID number
        a_row(2, 信访人姓名="李秀英", 身份证号=ID_LI, 办理状态="办理中", 办结日期=None),
        a_row(3, 登记日期="2023-13-45"),  # no such day
        a_row(4, 信访类别="城建纠纷"),  # a category the county calls otherwise
        a_row(5, 身份证号="340822199003157719"),  # wrong check digit
        a_row(6, 信访人姓名="王建国", 联系电话="13805561234", 是否重复="是"),  # found by phone and name; a repeat
        a_row(2, 信访人姓名="李秀英", 身份证号=ID_LI, 办理状态="办理中", 办结日期=None),  # the same row twice
        a_row(8, 问题属地="火星"),
    ]
    client = client_as(county_admin)
    response = upload(client, ledger_file(rows))
    imp = LedgerImport.objects.get()
    assert response.status_code == 302 and imp.headers == HEADERS

    page = client.get(f"/exchange/imports/{imp.pk}/").content.decode()
    proposed = ledger.proposed_mapping(imp)["columns"]
    assert proposed["received_at"] == "登记日期" and proposed["summary"] == "反映问题"  # the usual names are known
    assert "source_number" not in proposed  # 序号 counts rows, it names no matter: the admin decides
    assert 'value="登记日期" selected' in page

    check(client, imp, **{"col-source_number": "序号", "default-channel": "letter"})
    assert imp.state == "checked" and Case.objects.count() == 1  # a dry run writes no case
    assert (imp.rows_total, imp.rows_valid, imp.rows_error) == (8, 3, 5)
    assert imp.summary["petitioners"] == {"by_id": 1, "by_phone": 1, "new": 1}
    assert imp.summary["unmatched"]["category"] == [["城建纠纷", 1]]
    page = client.get(f"/exchange/imports/{imp.pk}/").content.decode()
    assert "城建纠纷" in page and 'data-testid="rows-error">5<' in page

    errors = client.get(f"/exchange/imports/{imp.pk}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    reasons = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(reasons) == {4, 5, 6, 8, 9}  # the rows as Excel numbers them (the header is row 1)
    assert "不是有效的日期" in reasons[4] and "2023-13-45" in reasons[4]
    assert "城建纠纷" in reasons[5] and "没有对应" in reasons[5]
    assert "校验位不正确" in reasons[6]
    assert "与第 3 行重复" in reasons[8]
    assert "火星" in reasons[9]
    assert AuditEvent.objects.filter(action="ledger.errors.export").exists()  # personal data left the system

    # The admin names what 城建纠纷 is here, and checks again: the mapping is the county's from now on.
    check(client, imp, **{"count-category": "1", "name-category-0": "城建纠纷",
                          "map-category-0": str(categories["land"].pk)})
    assert (imp.rows_valid, imp.rows_error) == (4, 4)
    assert LedgerMapping.objects.get(county=county.region).values["category"] == {
        "城建纠纷": categories["land"].pk}

    run_import(client, imp)
    assert imp.state == "imported" and imp.rows_imported == 4
    imported = Case.objects.filter(external_system="ledger").order_by("received_at")
    assert imported.count() == 4
    first = imported.get(summary__contains="第1件")
    assert first.lead_petitioner == known.lead_petitioner  # the same person, not a second 王建国
    assert first.status == "closed" and localtime(first.closed_at).date().isoformat() == "2023-05-02"
    assert localtime(first.received_at).isoformat().startswith("2023-03-02T09:30")
    assert first.number.startswith("340822-2023-")
    assert first.lead_unit == county.housing and first.region == county.villages[0]
    handling = imported.get(summary__contains="第2件")
    assert handling.status == "handling" and handling.closed_at is None
    # History keeps its dates and states, and nothing starts clocks or cards for the past.
    assert not Deadline.objects.filter(case__in=imported).exists()
    assert all(c.due_on is None and c.rule_set_id for c in imported)
    repeat = imported.get(summary__contains="第6件")
    assert repeat.lead_petitioner == known.lead_petitioner and repeat.repeat_of == first  # his earlier matter
    assert TimelineEvent.objects.filter(case=first, kind="import").get().message.startswith("自台账“2023年信访台账")
    assert Petitioner.objects.filter(name="李秀英").count() == 1

    # The same file again: nothing is imported twice.
    upload(client, ledger_file(rows))
    again = LedgerImport.objects.latest("pk")
    assert ledger.proposed_mapping(again)["columns"]["received_at"] == "登记日期"  # kept for the county
    check(client, again)
    assert (again.rows_valid, again.rows_skipped) == (0, 4)
    response = client.post(f"/exchange/imports/{again.pk}/", {"action": "import"})
    assert response.status_code == 400 and "没有可导入的行" in response.content.decode()
    assert Case.objects.filter(external_system="ledger").count() == 4


def test_a_ledger_exported_from_xinfang_maps_itself_and_is_not_imported_again(client_as, county_admin, register,
                                                                              caseworker):
    for _ in range(3):
        register()
    out = io.BytesIO()
    write_case_ledger(Case.objects.select_related("lead_petitioner", "region", "category__parent", "lead_unit"), out)
    out.seek(0)
    out.name = "信访通导出.xlsx"
    client = client_as(county_admin)
    upload(client, out)
    imp = LedgerImport.objects.get()
    columns = ledger.proposed_mapping(imp)["columns"]
    assert {"source_number", "received_at", "channel", "name", "category", "summary", "status"} <= set(columns)
    check(client, imp)
    assert (imp.rows_total, imp.rows_skipped, imp.rows_valid, imp.rows_error) == (3, 3, 0, 0)


def test_a_gbk_csv_is_read_and_bad_values_are_reported_by_row(client_as, county_admin, categories):
    text = ("登记日期,信访人,信访类别,反映问题,信访形式,状态,人数,集体访,办结日期\n"
            "2022/6/1,张三,欠薪,反映欠薪,来访,已办结,3,是,2022.7.1\n"
            "2022年6月2日,李四,欠薪,反映欠薪,传真,已办结,两人,也许,2022-07-01\n"
            "2031-01-01,王五,欠薪,反映欠薪,来访,已办结,1,否,2031-02-01\n")
    data = io.BytesIO(text.encode("gb18030"))
    data.name = "台账.csv"
    client = client_as(county_admin)
    upload(client, data)
    imp = LedgerImport.objects.get()
    check(client, imp)
    assert (imp.rows_total, imp.rows_valid, imp.rows_error) == (3, 1, 2)
    sheet = load_workbook(io.BytesIO(ledger.error_sheet(imp))).active
    reasons = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "传真" in reasons[3] and "人数" in reasons[3] and "应填“是”或“否”" in reasons[3]  # all at once
    assert "超出合理范围" in reasons[4]
    run_import(client, imp)
    taken = Case.objects.get(external_system="ledger")
    assert taken.channel == "visit" and taken.head_count == 3 and taken.is_collective


def test_a_file_that_is_not_a_ledger_is_refused_and_nothing_is_kept(client_as, county_admin, settings):
    client = client_as(county_admin)
    cases = {
        "照片.xlsx": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "请上传 Excel（.xlsx）或 CSV 文件"),
        "旧台账.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "另存为 .xlsx"),
        "坏的.xlsx": (b"PK\x03\x04" + b"garbage" * 20, "无法读取该 Excel 文件"),
        "空的.csv": (b"", "文件是空的"),
    }
    for name, (content, message) in cases.items():
        data = io.BytesIO(content)
        data.name = name
        response = upload(client, data)
        assert response.status_code == 400 and message in response.content.decode(), name
    assert not LedgerImport.objects.exists()


def test_a_50_mb_file_is_refused_before_it_is_read(client_as, county_admin, tmp_path):
    big = tmp_path / "大台账.csv"
    with big.open("wb") as out:
        out.write("登记日期,信访人\n".encode())
        line = ("2023-01-01," + "某" * 30 + "\n").encode()
        out.write(line * (50 * 1024 * 1024 // len(line) + 1))
    client = client_as(county_admin)
    with big.open("rb") as data:
        response = upload(client, data)
    assert response.status_code == 400 and "文件超过 30 MB" in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_the_mapping_must_name_the_required_columns(client_as, county_admin, categories):
    client = client_as(county_admin)
    upload(client, ledger_file([a_row(1)], headers=HEADERS))
    imp = LedgerImport.objects.get()
    response = client.post(f"/exchange/imports/{imp.pk}/", {"action": "mapping", "col-received_at": "没有这列",
                                                             "col-name": "信访人姓名", "col-summary": "信访人姓名"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "所选的列不在文件中" in page and "请选择“类别”对应的列" in page and "对应了多个字段" in page
    assert "或指定本文件统一的值" in page  # 信访形式: a column or the file's one value
    imp.refresh_from_db()
    assert imp.state == "uploaded" and not LedgerMapping.objects.exists()


def test_imports_are_the_county_admins_and_stay_in_their_county(client_as, county_admin, caseworker, other_county,
                                                                categories):
    client = client_as(county_admin)
    upload(client, ledger_file([a_row(1)]))
    imp = LedgerImport.objects.get()
    assert client_as(caseworker).get("/exchange/imports/").status_code == 403
    other_admin = make_person("other.admin", other_county.bureau, ["county_admin"])
    other = client_as(other_admin)
    for path in ("", "progress/", "errors.xlsx"):
        assert other.get(f"/exchange/imports/{imp.pk}/{path}").status_code == 404
    assert other.post(f"/exchange/imports/{imp.pk}/", {"action": "import"}).status_code == 404
    assert "2023年信访台账" not in other.get("/exchange/imports/").content.decode()


def test_the_page_shows_the_progress_of_a_run_and_reloads_when_it_ends(client_as, county_admin, categories):
    client = client_as(county_admin)
    upload(client, ledger_file([a_row(n) for n in range(1, 30)]))
    imp = LedgerImport.objects.get()
    check(client, imp)
    client.post(f"/exchange/imports/{imp.pk}/", {"action": "import"})  # queued, not yet run
    page = client.get(f"/exchange/imports/{imp.pk}/").content.decode()
    assert 'data-testid="progress"' in page and "正在导入" in page
    assert "0 / 29 行" in client.get(f"/exchange/imports/{imp.pk}/progress/").content.decode()
    tasks.ledger_import.apply(args=[imp.pk])
    done = client.get(f"/exchange/imports/{imp.pk}/progress/")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    assert 'data-testid="rows-imported">29<' in client.get(f"/exchange/imports/{imp.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_run_starts_again(on_postgres, redis_url, client_as,
                                                                            county_admin, categories, media,
                                                                            settings):
    """A real Celery worker imports 6,000 rows; it is killed half way. Nothing of the batch is left; the page says
    the run stopped; started again, every row is imported once."""
    client = client_as(county_admin)
    upload(client, ledger_file([a_row(n, 序号=f"A-{n}") for n in range(1, 6001)]))
    imp = LedgerImport.objects.get()
    check(client, imp)
    assert imp.rows_valid == 6000
    client.post(f"/exchange/imports/{imp.pk}/", {"action": "import"})

    try:
        with RealWorker(redis_url, "ledger-test", MEDIA_ROOT=str(media)) as worker:
            worker.send(ledger.IMPORT_TASK, imp.pk)
            wait_for(lambda: ledger.ledger_progress(imp)["done"] >= 1000, "the worker never got going")
            worker.kill()
            wait_for(lambda: not Case.objects.exists(), "the killed run left cases behind", timeout=10)
            imp.refresh_from_db()
            assert imp.state == "importing" and Case.objects.count() == 0

            settings.LEDGER_IMPORT_STALL_SECONDS = 0  # (the county's wait, 10 minutes, passed)
            page = client.get(f"/exchange/imports/{imp.pk}/").content.decode()
            assert 'data-testid="stalled"' in page and 'data-testid="start-import"' in page
            client.post(f"/exchange/imports/{imp.pk}/", {"action": "import"})
            worker.start().send(ledger.IMPORT_TASK, imp.pk)
            wait_for(lambda: LedgerImport.objects.get(pk=imp.pk).state == "imported", "the run did not finish", 120)
    finally:
        cache.delete(f"ledger-import:{imp.pk}:progress")

    assert Case.objects.filter(external_system="ledger").count() == 6000
    assert Case.objects.values("external_id").distinct().count() == 6000
