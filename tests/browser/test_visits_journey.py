"""A caseworker books a petitioner into the county head's reception, records the reception that opens a case the
leader owns, and — once the unit has replied — records the return visit that lets the case close."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from visits import services as vs
from visits.models import Appointment, Reception, ReturnVisit

from .test_case_journey import act, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def todays_slot(caseworker, leader, county):
    """王县长's open-door reception today (begun up to an hour ago, never before midnight: the schedule shows today's
    week, which a slot begun last Sunday night would not be in) at the county reception centre."""
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return vs.slot_create(actor=caseworker, data=vs.SlotInput(
        region=county.region, level=3, title="县长开门接访", place="县信访接待中心", leader=leader,
        starts_at=max(now - timedelta(hours=1), midnight), ends_at=now + timedelta(hours=2), capacity=5))


def test_an_appointment_becomes_a_reception_a_case_the_leader_owns_and_a_return_visit_that_closes_it(
        page, caseworker, leader, unit_officer, county, categories, todays_slot):
    login(page, "zhang.caseworker")
    page.goto(page.base_url + "/visits/")
    page.get_by_role("link", name="县长开门接访").first.click()

    booking = page.get_by_test_id("booking-form")
    booking.get_by_label("信访人姓名").fill("刘大成")
    booking.get_by_label("电话").fill("13905561234")
    booking.get_by_label("反映事项").fill("征地补偿款两年未发放")
    booking.get_by_role("button", name="预约").click()
    page.wait_for_load_state()
    assert "刘大成" in page.get_by_test_id("appointments").inner_text()
    assert Appointment.objects.get().status == "booked"

    page.get_by_test_id("record-reception").click()
    assert "刘大成" in page.get_by_test_id("source").inner_text()
    page.get_by_label("反映问题").fill("反映村里征地补偿款两年未发放到户")
    page.get_by_label("处理意见").fill("由县住建局牵头核查，十五日内答复")
    page.get_by_label("类别").select_option(label="征地拆迁")
    page.get_by_label("问题属地").select_option(label=county.villages[0].name)
    page.get_by_role("button", name="保存接访记录").click()
    page.wait_for_load_state()

    case = Case.objects.get()
    assert page.get_by_test_id("case-number").inner_text() == case.number
    assert page.get_by_test_id("case-owner").inner_text().startswith(leader.name)
    assert case.channel == "leader_reception" and case.owner == leader
    assert Reception.objects.get().case == case and Appointment.objects.get().status == "attended"
    assert "王县长" in page.get_by_test_id("case-reception").inner_text()

    act(page, "受理")
    act(page, "交办", {"lead_unit": county.housing.name, "tasks": "核查补偿款发放情况"})
    login(page, "li.officer")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    act(page, "登记见面", {"note": "与信访人见面"})
    act(page, "答复", {"text": "经核查，补偿款已于本周足额发放到户。"})

    login(page, "zhang.caseworker")
    page.get_by_role("link", name="我的待办", exact=True).click()
    return_visit = page.get_by_test_id("my-return-visit")
    assert case.number in return_visit.inner_text()
    return_visit.get_by_role("link", name="记录回访").click()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("电话回访").check()
    page.get_by_label("信访人意见").fill("信访人表示补偿款已收到，满意")
    page.get_by_role("button", name="保存回访结果").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-number").inner_text() == case.number

    act(page, "办结", {})
    assert page.get_by_test_id("case-status").inner_text() == "已办结"
    assert ReturnVisit.objects.get(case=case).status == "done"
    timeline = page.get_by_test_id("timeline").inner_text()
    for words in ["预约", "包案", "接访", "答复", "满意", "办结"]:
        assert words in timeline
