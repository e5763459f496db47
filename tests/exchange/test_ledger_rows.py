"""What a ledger row becomes, row by row, as offices really keep them: numbers that start again each year, merged
cells, a state the workflow must be able to take on from, the same person written twice, text that is not text."""

import io
import zipfile
from datetime import datetime

import pytest
from django.utils.timezone import localtime
from openpyxl import Workbook, load_workbook

from cases.models import Case, CaseCounter, Petitioner
from tests.cases.conftest import ID_LI
from tests.exchange.test_ledger import HEADERS, a_row, check, ledger_file, run_import, upload
from workflow import ledger
from xinfang.exchange.models import LedgerImport


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def import_rows(client, rows, name="台账.xlsx", **answers):
    upload(client, ledger_file(rows, name=name))
    imp = LedgerImport.objects.latest("pk")
    check(client, imp, **{"default-channel": "letter", **answers})
    if imp.rows_valid:
        run_import(client, imp)
    return imp


def reasons(imp) -> dict:
    sheet = load_workbook(io.BytesIO(ledger.error_sheet(imp))).active
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_next_years_ledger_whose_numbers_start_again_is_imported_and_a_changed_mapping_imports_nothing_twice(
        client_as, county_admin, categories):
    client = client_as(county_admin)
    first = import_rows(client, [a_row(n) for n in range(1, 4)], **{"col-source_number": "序号"})
    assert first.rows_imported == 3
    # 2024's file: its 序号 runs 1, 2, 3 again, for other matters; the kept mapping still reads 序号 as the number.
    second = import_rows(client, [a_row(n, 登记日期=datetime(2024, 4, n), 办结日期=datetime(2024, 6, n))
                                  for n in range(1, 4)], name="2024年台账.xlsx")
    assert (second.rows_imported, second.rows_skipped) == (3, 0)
    # The first file again, with 序号 no longer mapped: the same rows, nothing new.
    upload(client, ledger_file([a_row(n) for n in range(1, 4)]))
    again = LedgerImport.objects.latest("pk")
    check(client, again, **{"col-source_number": ""})
    assert (again.rows_valid, again.rows_skipped) == (0, 3)
    assert Case.objects.filter(external_system="ledger").count() == 6


def test_cases_are_numbered_by_the_county_after_the_rows_are_in(client_as, county_admin, categories):
    client = client_as(county_admin)
    CaseCounter.objects.create(county=county_admin.unit.region, year=2023, last=41)
    import_rows(client, [a_row(n) for n in range(1, 4)])
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == ["340822-2023-000042", "340822-2023-000043", "340822-2023-000044"]
    assert CaseCounter.objects.get(year=2023).last == 44


def test_a_state_comes_with_what_it_needs_or_the_row_is_refused(client_as, county_admin, categories):
    client = client_as(county_admin)
    imp = import_rows(client, [
        a_row(1, 办结日期=None),  # 已办结 with no date
        a_row(2, 办理状态="复查中"),  # an appeal the ledger cannot carry
        a_row(3, 办理状态="已交办", 责任单位=None, 办结日期=None),
        a_row(4, 办理状态="已答复", 办结日期=None),  # no 答复时间
        a_row(5, 办理状态="不予受理"),
    ])
    found = reasons(imp)
    assert "须填写办结时间" in found[2] and "不能从台账导入" in found[3]
    assert "须填写主办单位" in found[4] and "须填写答复时间" in found[5]
    refused = Case.objects.get(external_system="ledger")
    assert refused.status == "not_accepted" and refused.closed_at and refused.outcome_reason == "台账未载明理由"


def test_the_same_person_is_one_petitioner_wherever_the_batches_fall(client_as, county_admin, categories,
                                                                     monkeypatch):
    client = client_as(county_admin)
    rows = [a_row(1, 信访人姓名="李秀英", 身份证号=ID_LI, 联系电话="13912345678"),
            a_row(2, 信访人姓名="李秀英", 联系电话="13912345678")]
    upload(client, ledger_file(rows))
    imp = LedgerImport.objects.get()
    check(client, imp, **{"default-channel": "letter"})
    assert imp.summary["petitioners"] == {"by_id": 0, "by_phone": 0, "new": 1}
    monkeypatch.setattr(ledger, "BATCH", 1)  # each row its own batch this time
    run_import(client, imp)
    assert Petitioner.objects.filter(name="李秀英").count() == 1
    assert imp.summary["petitioners"] == {"by_id": 0, "by_phone": 0, "new": 1}


def test_merged_cells_give_every_row_their_value(client_as, county_admin, county, categories):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for n in range(1, 4):
        sheet.append(a_row(n, 责任单位=None if n > 1 else "怀宁县住房和城乡建设局"))
    sheet.merge_cells("J2:J4")  # 责任单位 over three rows, as offices keep it
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "合并单元格.xlsx"
    client = client_as(county_admin)
    upload(client, out)
    imp = LedgerImport.objects.get()
    check(client, imp, **{"default-channel": "letter"})
    run_import(client, imp)
    assert set(Case.objects.values_list("lead_unit", flat=True)) == {county.housing.pk}


def test_text_that_is_not_text_is_cleaned_and_never_a_formula(client_as, county_admin, categories):
    text = ("登记日期,信访人,信访类别,反映问题,信访形式,状态,办结日期,人数\n"
            "2022-06-01,张三,欠薪,反映\x01欠薪\x0b问题,来访,已办结,2022-07-01,1\n"
            '2022-06-02,李四,"=HYPERLINK(""http://x.example/"",""详见"")",反映欠薪,来访,已办结,2022-07-01,inf\n'
            "2022-06-03,王五,欠薪,反映欠薪,来访,已办结,2022-07-01,1e999\n")
    data = io.BytesIO(text.encode())
    data.name = "台账.csv"
    client = client_as(county_admin)
    upload(client, data)
    imp = LedgerImport.objects.get()
    check(client, imp)
    assert (imp.rows_valid, imp.rows_error) == (1, 2)
    sheet = load_workbook(io.BytesIO(ledger.error_sheet(imp))).active
    cells = {c.value: c.data_type for row in sheet.iter_rows(min_row=2) for c in row if c.value}
    assert cells['=HYPERLINK("http://x.example/","详见")'] == "s"  # shown as written, never run
    run_import(client, imp)
    assert Case.objects.get(external_system="ledger").summary == "反映欠薪问题"


def test_a_long_unmatched_name_can_be_mapped_and_repeated_headers_can_be_chosen(client_as, county_admin, county,
                                                                                categories):
    long_name = "县" + "某" * 80 + "局"
    headers = [*HEADERS, "办结日期"]  # a second column of the same name
    rows = [[*a_row(1, 责任单位=long_name), datetime(2023, 6, 1)]]
    client = client_as(county_admin)
    upload(client, ledger_file(rows, headers=headers))
    imp = LedgerImport.objects.get()
    assert imp.headers[-1] == "办结日期(2)"
    check(client, imp, **{"default-channel": "letter", "col-closed_at": "办结日期(2)"})
    assert imp.summary["unmatched"]["lead_unit"] == [[long_name, 1]]
    check(client, imp, **{"count-lead_unit": "1", "name-lead_unit-0": long_name,
                          "map-lead_unit-0": str(county.housing.pk)})
    assert imp.rows_valid == 1
    run_import(client, imp)
    case = Case.objects.get(external_system="ledger")
    assert case.lead_unit == county.housing and localtime(case.closed_at).date().isoformat() == "2023-06-01"


def test_odd_files_and_forged_forms_get_a_reason_never_a_500(client_as, county_admin, categories):
    client = client_as(county_admin)
    good = ledger_file([a_row(1)]).read()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, b"<garbage" if name == "xl/workbook.xml" else zin.read(name))
    for name, content in {"坏的.xlsx": damaged.getvalue(), "照片.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                          "文件.csv": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00"}.items():
        data = io.BytesIO(content)
        data.name = name
        response = upload(client, data)
        assert response.status_code == 400, name
    assert not LedgerImport.objects.exists()
    upload(client, ledger_file([a_row(1)]))
    imp = LedgerImport.objects.get()
    response = client.post(f"/exchange/imports/{imp.pk}/", {"action": "mapping", "count-category": "²"})
    assert response.status_code == 400  # the required columns are missing; the odd count is ignored


def test_the_files_are_kept_encrypted_and_the_ledger_goes_once_imported(client_as, county_admin, categories,
                                                                        media):
    client = client_as(county_admin)
    imp = import_rows(client, [a_row(1, 信访人姓名="李秀英", 身份证号=ID_LI), a_row(2, 登记日期="昨天")])
    stored = b"".join(p.read_bytes() for p in media.rglob("*") if p.is_file())
    assert ID_LI.encode() not in stored and "李秀英".encode() not in stored
    imp.refresh_from_db()
    assert not imp.file and imp.errors_file and "不是有效的日期" in reasons(imp)[3]


def test_a_check_whose_worker_died_can_be_started_again_from_the_page(client_as, county_admin, categories,
                                                                      settings):
    client = client_as(county_admin)
    upload(client, ledger_file([a_row(1)]))
    imp = LedgerImport.objects.get()
    client.post(f"/exchange/imports/{imp.pk}/", {"action": "mapping", **{
        f"col-{k}": v for k, v in ledger.proposed_mapping(imp)["columns"].items()}, "default-channel": "letter"})
    imp.refresh_from_db()
    assert imp.state == "checking"  # queued; its worker never answers
    settings.LEDGER_IMPORT_STALL_SECONDS = 0
    page = client.get(f"/exchange/imports/{imp.pk}/").content.decode()
    assert 'data-testid="stalled"' in page and 'data-testid="check"' in page
    check(client, imp, **{"default-channel": "letter"})
    assert imp.state == "checked" and imp.rows_valid == 1
