"""Notifications: raised with the cards and 督办 documents, shown in the reader's language, e-mailed in working
hours only (never at night or on a holiday), and each unit's daily digest once a day."""

import pytest
import time_machine
from django.core import mail

import workflow
from deadlines import services as ds
from deadlines.models import Notification
from deadlines.selectors import notification_text, unread_count
from xinfang.rules.services import rules_save

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(register, caseworker, unit_officer, county):
    unit_officer.email = "li@example.gov.cn"
    unit_officer.save()
    with time_machine.travel(at("2026-11-16"), tick=False):
        case = workflow.case_accept(actor=caseworker, case=register(), version=1)
        case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    with time_machine.travel(at("2026-11-20"), tick=False):
        workflow.sweep()
    return case


def test_a_raised_card_reaches_the_unit_s_officers_in_their_own_language(overdue, unit_officer):
    note = Notification.objects.get(user=unit_officer, card__deadline__milestone__code="meet")
    assert unread_count(user=unit_officer) >= 1
    assert "3日内见面" in notification_text(note) and "红牌" in notification_text(note)


def test_notifications_are_not_mailed_at_night_or_on_a_holiday(overdue):
    with time_machine.travel(at("2026-11-20", 22), tick=False):
        assert ds.notifications_email() == 0
    with time_machine.travel(at("2026-10-02", 10), tick=False):  # National Day
        assert ds.notifications_email() == 0
    assert mail.outbox == []


def test_the_county_sets_its_mailing_hours_and_they_follow_its_own_calendar(overdue, county_admin, county):
    with time_machine.travel(at("2026-11-20", 15), tick=False):
        rules_save(actor=county_admin, county=county.region, key="notifications",
                   values={"notify_from_hour": 9, "notify_until_hour": 12}, reason="上午集中处理提醒")
        workflow.calendar_day_set(actor=county_admin, county=county.region, day=at("2026-11-23").date(),
                                  is_workday=False, name="县庆放假")
    with time_machine.travel(at("2026-11-23", 10), tick=False):  # a Monday, but the county's own holiday
        assert ds.notifications_email() == 0
    with time_machine.travel(at("2026-11-24", 8), tick=False):
        assert ds.notifications_email() == 0
    with time_machine.travel(at("2026-11-24", 13), tick=False):
        assert ds.notifications_email() == 0
    with time_machine.travel(at("2026-11-24", 11), tick=False):
        assert ds.notifications_email() == 1
    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]


def test_a_county_outside_its_hours_does_not_hold_up_the_others(overdue, unit_officer, other_county):
    """County B mails only 14–16; its officers hold the newest notifications. At 9:30 county A's officer (at a
    township's level of the tree or the county's) is mailed all the same, however small the batch."""
    from deadlines.models import Notification
    from tests.factories import make_person

    b_admin = make_person("qian.admin", other_county.bureau, ["county_admin"], name="钱管理")
    with time_machine.travel(at("2026-11-20", 15), tick=False):
        rules_save(actor=b_admin, county=other_county.region, key="notifications",
                   values={"notify_from_hour": 14, "notify_until_hour": 16}, reason="下午集中处理")
    for i in range(3):
        person = make_person(f"b.officer{i}", other_county.housing, ["unit_officer"], name=f"望江{i}")
        person.email = f"b{i}@example.gov.cn"
        person.save()
        Notification.objects.create(user=person, kind="digest", key=f"digest:b{i}", data={"day": "2026-11-23"})

    with time_machine.travel(at("2026-11-23", 9), tick=False):
        assert ds.notifications_email(limit=1) == 1
    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]
    with time_machine.travel(at("2026-11-23", 15), tick=False):
        assert ds.notifications_email(limit=5) == 3


def test_each_user_gets_one_mail_with_all_their_new_notifications_and_only_once(overdue, unit_officer):
    with time_machine.travel(at("2026-11-23", 9), tick=False):  # Monday morning
        assert ds.notifications_email() == 1
        assert ds.notifications_email() == 0

    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]
    assert "3日内见面" in mail.outbox[0].body
    assert not Notification.objects.filter(user=unit_officer, emailed_at__isnull=True).exists()


def test_each_unit_gets_its_daily_digest_once(overdue, unit_officer):
    with time_machine.travel(at("2026-11-23", 8), tick=False):
        first = ds.unit_digest()
        again = ds.unit_digest()

    digest = Notification.objects.get(user=unit_officer, kind="digest")
    assert first >= 1 and again == 0
    assert "红牌 1" in notification_text(digest)


def test_a_supervision_letter_notifies_the_supervised_unit(register, caseworker, unit_officer, county):
    from datetime import date

    case = workflow.case_accept(actor=caseworker, case=register(), version=1)
    case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    letter = ds.supervision_issue(actor=caseworker, case=case, kind="letter", content="请加快办理并书面回复",
                                  respond_by=date(2099, 1, 1))

    note = Notification.objects.get(user=unit_officer, supervision=letter)
    assert letter.number in notification_text(note)
    assert ds.notification_mark_read(actor=unit_officer) >= 1
    assert unread_count(user=unit_officer) == 0


def test_a_run_that_dies_after_claiming_leaves_its_mail_to_the_next_run_and_it_goes_out_once(overdue, unit_officer,
                                                                                              monkeypatch):
    from xinfang.exchange import services as exchange
    from xinfang.exchange.models import Message

    monkeypatch.setattr(ds, "message_deliver", lambda key: None)  # the worker dies right after its commit
    with time_machine.travel(at("2026-11-20", 10), tick=False):
        ds.notifications_email()
    assert mail.outbox == [] and Message.objects.get().state == "pending"

    monkeypatch.setattr(ds, "message_deliver", exchange.message_deliver)
    with time_machine.travel(at("2026-11-20", 11), tick=False):
        ds.notifications_email()
        ds.notifications_email()

    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]
    message = Message.objects.get()
    assert (message.state, message.channel, message.to_masked) == ("sent", "email", "l***@example.gov.cn")
    assert message.county_id == unit_officer.unit.region_id


def test_a_mail_the_server_refused_goes_out_on_the_next_run(overdue, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from xinfang.exchange.models import Message

    def refuse(self, messages):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with time_machine.travel(at("2026-11-20", 10), tick=False):
        assert ds.notifications_email() == 0
    assert Message.objects.get().state == "failed"

    monkeypatch.undo()
    with time_machine.travel(at("2026-11-20", 11), tick=False):
        ds.notifications_email()

    assert Message.objects.get().state == "sent" and len(mail.outbox) == 1
