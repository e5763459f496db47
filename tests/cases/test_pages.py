"""A caseworker at the reception desk: intake, the case page and its actions, the list and the ledger export."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case, PersonalDataAccess, Petitioner
from tests.cases.conftest import ID_WANG

pytestmark = pytest.mark.django_db


def intake_form(county, categories, **overrides):
    form = {
        "channel": "letter", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "petitioner_name": "王建国", "petitioner_id_number": ID_WANG, "petitioner_phone": "13805561234",
        "head_count": "1", "category": str(categories["wages"].pk), "region": county.villages[0].code,
        "summary": "拖欠农民工工资", "demands": "请求支付",
    }
    form.update(overrides)
    return form


def test_a_caseworker_registers_a_letter_and_lands_on_its_page(client_as, caseworker, county, categories):
    response = client_as(caseworker).post("/cases/new/", intake_form(county, categories), follow=True)

    case = Case.objects.get()
    html = response.content.decode()
    assert f"已登记信访事项 {case.number}" in html
    assert "340822********7718" in html and ID_WANG not in html
    assert "受理" in html and "不予受理" in html


@pytest.mark.parametrize(("field", "value", "message"), [
    ("petitioner_id_number", "340822199003157719", "身份证号码校验位不正确"),
    ("petitioner_id_number", "12345", "身份证号码应为18位"),
    ("petitioner_phone", "1234", "电话号码无效"),
    ("petitioner_name", "", "请填写此项。"),
    ("summary", "", "请填写此项。"),
])
def test_bad_intake_shows_a_chinese_message_and_saves_nothing(client_as, caseworker, county, categories, field,
                                                              value, message):
    response = client_as(caseworker).post("/cases/new/", intake_form(county, categories, **{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_an_oversized_file_is_refused_and_nothing_is_saved(client_as, caseworker, county, categories, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("来信.pdf", b"%PDF-1.4 0123456789", content_type="application/pdf")

    response = client_as(caseworker).post("/cases/new/", {**intake_form(county, categories), "files": upload})

    assert response.status_code == 400
    assert "超过" in response.content.decode()
    assert not Case.objects.exists()


def test_a_wrong_type_of_file_is_refused(client_as, caseworker, county, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")

    response = client_as(caseworker).post("/cases/new/", {**intake_form(county, categories), "files": upload})

    assert response.status_code == 400
    assert "类型不支持" in response.content.decode()


def test_the_intake_lookup_shows_the_petitioners_earlier_cases(client_as, caseworker, case, county, categories):
    html = client_as(caseworker).get("/cases/new/lookup/", {
        "petitioner_id_number": ID_WANG, "category": categories["wages"].pk, "region": county.villages[0].code,
    }).content.decode()

    assert case.number in html
    assert "该信访人的历史信访" in html and "属地同类在办事项" in html


def test_a_repeat_is_registered_against_the_original(client_as, caseworker, case, county, categories):
    client_as(caseworker).post("/cases/new/", intake_form(county, categories, repeat_of=case.number))

    repeat = Case.objects.exclude(pk=case.pk).get()
    assert repeat.is_repeat and repeat.repeat_of == case
    assert repeat.lead_petitioner == case.lead_petitioner  # one person, one petitioner


def test_an_action_refused_on_the_page_shows_why_and_changes_nothing(client_as, caseworker, case):
    client = client_as(caseworker)
    client.post(f"/cases/{case.pk}/act/accept/", {"version": case.version})

    response = client.post(f"/cases/{case.pk}/act/not-accept/", {"version": case.version, "reason": "重复"},
                           follow=True)

    assert "该信访事项已被他人修改，请刷新后重试" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_the_case_page_offers_only_what_is_allowed_now(client_as, caseworker, unit_officer, case):
    html = client_as(caseworker).get(f"/cases/{case.pk}/").content.decode()

    assert 'data-action="accept"' in html and 'data-action="reply"' not in html
    assert client_as(unit_officer).get(f"/cases/{case.pk}/").status_code == 404  # not assigned to their unit


def test_another_countys_case_page_is_404(client_as, other_caseworker, case):
    assert client_as(other_caseworker).get(f"/cases/{case.pk}/").status_code == 404
    assert client_as(other_caseworker).post(f"/cases/{case.pk}/act/accept/", {"version": 1}).status_code == 404


def test_revealing_on_the_page_shows_the_full_number_and_logs_it(client_as, caseworker, case):
    response = client_as(caseworker).post(f"/cases/petitioners/{case.lead_petitioner_id}/reveal/",
                                          HTTP_HX_REQUEST="true")

    assert ID_WANG in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=caseworker, channel="page").count() == 1


def test_the_case_list_filters_searches_and_costs_a_fixed_number_of_queries(client_as, caseworker, register,
                                                                             categories,
                                                                             django_assert_max_num_queries):
    client = client_as(caseworker)
    land = register(category=categories["land"], summary="征地补偿款未发放")
    for _ in range(10):
        register()
    client.get("/cases/")

    with django_assert_max_num_queries(14):
        html = client.get("/cases/?q=补偿款").content.decode()

    assert land.number in html
    assert "共 1 条" in html


def test_the_ledger_export_has_the_filtered_rows(client_as, caseworker, register, categories):
    register(category=categories["land"], summary="征地补偿款未发放")
    register()

    response = client_as(caseworker).get("/cases/export.xlsx?q=补偿款")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("编号", "收到时间", "信访形式")
    assert len(rows) == 2 and rows[1][7] == "征地补偿款未发放"
    assert rows[1][10:13] == ("否", "否", "否")  # 重复 / 集体 / 越级: said, not left blank


def test_my_work_lists_what_waits_for_the_user(client_as, caseworker, case):
    html = client_as(caseworker).get("/cases/mine/").content.decode()

    assert case.number in html


def test_the_case_page_runs_a_fixed_number_of_queries(client_as, caseworker, case, county,
                                                      django_assert_max_num_queries):
    from workflow import case_accept, case_assign

    client = client_as(caseworker)
    client.get(f"/cases/{case.pk}/")
    case = case_accept(actor=caseworker, case=case, version=case.version)
    case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing,
                assist_units=[county.township_government, county.government])

    with django_assert_max_num_queries(29):  # 26 + the visits: receptions, appointments, return visits
        response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert county.housing.name in response.content.decode()


def test_a_leaders_home_counts_the_open_cases_of_the_jurisdiction(client_as, leader, register):
    register()
    register(head_count=7)

    html = client_as(leader).get("/").content.decode()

    assert "在办信访事项" in html and "在办集体访" in html


def test_an_action_with_a_missing_field_says_so_beside_the_field(client_as, caseworker, case):
    response = client_as(caseworker).post(f"/cases/{case.pk}/act/not-accept/", {"version": case.version})

    html = response.content.decode()
    assert response.status_code == 400
    assert "不予受理未完成，请按提示修改后再提交。" in html
    assert 'id="not_accept-reason-error" data-error-for="reason">请填写此项。</div>' in html
    assert Case.objects.get(pk=case.pk).status == "registered"


def test_a_petitioners_history_is_one_click_from_the_case(client_as, caseworker, register, other_caseworker):
    first = register()
    second = register(summary="再次反映工资问题")
    client = client_as(caseworker)

    case_page = client.get(f"/cases/{second.pk}/").content.decode()
    history = client.get(f"/cases/petitioners/{second.lead_petitioner_id}/").content.decode()

    assert f"/cases/petitioners/{second.lead_petitioner_id}/" in case_page
    assert first.number in history and second.number in history
    assert client_as(other_caseworker).get(f"/cases/petitioners/{second.lead_petitioner_id}/").status_code == 404


def test_a_group_visit_registers_every_named_petitioner_and_the_head_count(client_as, caseworker, county,
                                                                           categories):
    from tests.cases.conftest import ID_LI

    form = intake_form(county, categories, channel="visit", head_count="6", co_name_1="李秀英",
                       co_id_number_1=ID_LI, co_name_2="赵大山")

    client_as(caseworker).post("/cases/new/", form)

    case = Case.objects.get()
    assert case.is_collective and case.head_count == 6
    assert sorted(case.petitioners.values_list("name", flat=True)) == ["李秀英", "王建国", "赵大山"]


def test_a_bad_id_number_of_a_co_petitioner_is_refused_and_nothing_is_saved(client_as, caseworker, county,
                                                                            categories):
    form = intake_form(county, categories, head_count="2", co_name_1="李秀英", co_id_number_1="123")

    response = client_as(caseworker).post("/cases/new/", form)

    assert response.status_code == 400
    assert "身份证号码应为18位" in response.content.decode()
    assert not Case.objects.exists()
    assert not Petitioner.objects.exists()  # the lead petitioner was not left behind either


def test_an_attachment_is_served_only_within_the_jurisdiction(client_as, caseworker, other_caseworker, case,
                                                               settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_as(caseworker)
    client.post(f"/cases/{case.pk}/upload/", {"files": SimpleUploadedFile("来信.pdf", b"%PDF-1.4 letter",
                                                                          content_type="application/pdf")})
    attachment = case.attachments.get()

    response = client.get(f"/cases/attachments/{attachment.pk}/")

    assert b"".join(response.streaming_content) == b"%PDF-1.4 letter"
    assert client_as(other_caseworker).get(f"/cases/attachments/{attachment.pk}/").status_code == 404
    assert client.get(attachment.file.url).status_code == 404  # never served directly


def test_the_assign_form_searches_units_through_the_scoped_api(client_as, caseworker, case):
    from workflow import case_accept

    case_accept(actor=caseworker, case=case, version=case.version)
    page = client_as(caseworker).get(f"/cases/{case.pk}/").content.decode()

    assert 'data-autocomplete-for="assign-lead_unit" data-autocomplete-url="/api/v1/units/"' in page
    assert 'data-autocomplete-for="assign-assist_units"' in page


def test_typing_a_name_at_intake_shows_registered_petitioners_of_that_name_masked(client_as, caseworker, case):
    page = client_as(caseworker).get("/cases/new/lookup/", {"petitioner_name": "王建"}).content.decode()

    assert 'data-testid="named"' in page and "王建国" in page
    assert "340822********7718" in page and "340822199003157718" not in page


def test_a_name_lookup_never_shows_another_county_s_petitioners(client_as, other_caseworker, case):
    page = client_as(other_caseworker).get("/cases/new/lookup/", {"petitioner_name": "王建国"}).content.decode()

    assert "王建国" not in page


def test_dates_are_shown_the_english_way_in_english(client_as, caseworker, register):
    import time_machine

    with time_machine.travel("2026-11-22 10:00 +0800"):
        case = register()
        client = client_as(caseworker)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Nov. 22, 2026" in html and "2026年11月22日" not in html

