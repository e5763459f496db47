"""Messages sent once: recorded under their key before the gateway is called, so a retried task never sends twice;
a gateway that cannot be reached leaves the message failed, to be tried again, and nothing is lost."""

import pytest

from xinfang import sms
from xinfang.exchange.models import Message
from xinfang.exchange.services import message_send_once

pytestmark = pytest.mark.django_db


class DownGateway:
    def send(self, phone, text):
        raise ConnectionRefusedError("the SMS gateway is down")


def test_a_message_under_one_key_goes_out_once(county):
    sms.outbox.clear()
    for _ in range(3):
        message_send_once(key="notice:1", channel="sms", to="13905560000", body="您的事项已受理。",
                          purpose="notice", county_id=county.region.pk)

    assert sms.outbox == [("13905560000", "您的事项已受理。")]
    assert Message.objects.get().attempts == 1


def test_a_gateway_that_is_down_leaves_it_failed_and_the_retry_sends_it(county, settings):
    sms.outbox.clear()
    settings.SMS_BACKEND = "tests.exchange.test_messages.DownGateway"
    with pytest.raises(OSError):
        message_send_once(key="notice:2", channel="sms", to="13905560000", body="已受理", purpose="notice")
    failed = Message.objects.get()
    assert (failed.state, failed.error) == ("failed", "the SMS gateway is down")

    settings.SMS_BACKEND = "xinfang.sms.MemoryBackend"
    sent = message_send_once(key="notice:2", channel="sms", to="13905560000", body="已受理", purpose="notice")

    assert (sent.state, sent.attempts) == ("sent", 2) and len(sms.outbox) == 1


def test_a_message_left_sending_by_a_dead_worker_is_never_sent_again(county):
    sms.outbox.clear()
    Message.objects.create(key="notice:3", channel="sms", to_masked="139****0000", to_encrypted="x",
                           body_encrypted="x", purpose="notice", state="sending", attempts=1)

    message = message_send_once(key="notice:3", channel="sms", to="13905560000", body="已受理", purpose="notice")

    assert message.state == "sending" and sms.outbox == []  # at most once: a person checks with the gateway


class SlowGateway:
    def send(self, phone, text):
        raise TimeoutError("no answer in 10 s")


def test_a_gateway_that_does_not_answer_in_time_may_have_sent_it_so_it_is_never_sent_again(county, settings):
    sms.outbox.clear()
    settings.SMS_BACKEND = "tests.exchange.test_messages.SlowGateway"
    first = message_send_once(key="notice:4", channel="sms", to="13905560000", body="已受理", purpose="notice")
    settings.SMS_BACKEND = "xinfang.sms.MemoryBackend"
    again = message_send_once(key="notice:4", channel="sms", to="13905560000", body="已受理", purpose="notice")

    assert (first.state, again.state) == ("sending", "sending") and sms.outbox == []
    assert "结果不明" in again.error
