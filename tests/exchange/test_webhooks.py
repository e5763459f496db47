"""Outbound events: a county's system administrator subscribes another system; every registration, acceptance,
assignment, reply, closing, card and rating is written to the outbox with the change itself and delivered signed,
retried with back-off when the receiver fails, the subscriber paused and its keepers told when it keeps failing —
and nothing lost, even when the worker dies mid-delivery."""

import hashlib
import hmac
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

import workflow.cases as workflow
from tests.factories import make_person
from tests.workers import RealWorker, wait_for
from xinfang.exchange import services
from xinfang.exchange.models import Delivery, DeliveryAttempt, OutboxEvent, Subscriber


def subscribe(client_as, system_admin, url, events=("case.registered", "case.accepted")):
    response = client_as(system_admin).post("/exchange/subscribers/", {"name": "县数据共享平台", "url": url,
                                                                      "events": list(events)})
    assert response.status_code == 200, response.content.decode()[:500]
    return Subscriber.objects.get(), response.context["secret"]


@pytest.mark.django_db
def test_a_registration_is_delivered_signed_with_its_event_id(client_as, system_admin, receiver, register):
    subscriber, secret = subscribe(client_as, system_admin, receiver.url)

    case = register()
    delivered = services.deliveries_run()

    assert delivered == 1
    headers, body = receiver.requests[0]
    expected = hmac.new(secret.encode(), headers["X-Xinfang-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Xinfang-Signature"] == f"sha256={expected}"
    event = OutboxEvent.objects.get()
    assert headers["X-Xinfang-Event-Id"] == str(event.event_id) and headers["X-Xinfang-Event"] == "case.registered"
    data = receiver.bodies()[0]["data"]["case"]
    assert (data["number"], data["status"]) == (case.number, case.status)
    assert "name" not in str(receiver.bodies()[0]) and "phone" not in str(receiver.bodies()[0])  # no personal data
    page = client_as(system_admin).get(f"/exchange/subscribers/{subscriber.pk}/").content.decode()
    assert str(event.event_id) in page and ">200<" in page


@pytest.mark.django_db
def test_an_event_exists_exactly_when_its_change_does(client_as, system_admin, receiver, register):
    subscribe(client_as, system_admin, receiver.url)

    with pytest.raises(RuntimeError), transaction.atomic():
        register()
        raise RuntimeError("the registration fails after its event was written")

    assert not OutboxEvent.objects.exists() and not Delivery.objects.exists()


@pytest.mark.django_db
def test_a_failing_receiver_is_tried_again_later_with_the_same_event_id(client_as, system_admin, receiver, register):
    subscribe(client_as, system_admin, receiver.url)
    receiver.answers = [500, 503]
    register()
    start = timezone.now()

    with time_machine.travel(start, tick=False) as clock:
        assert services.deliveries_run() == 0
        assert services.deliveries_run() == 0  # not due yet: the back-off holds it
        clock.shift(timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS + 1))
        assert services.deliveries_run() == 0
        clock.shift(timedelta(seconds=2 * settings.WEBHOOK_RETRY_SECONDS + 1))
        assert services.deliveries_run() == 1

    ids = {headers["X-Xinfang-Event-Id"] for headers, _body in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1
    assert list(DeliveryAttempt.objects.order_by("id").values_list("status", flat=True)) == [500, 503, 200]


@pytest.mark.django_db
def test_a_subscriber_that_keeps_failing_is_paused_its_keeper_told_and_nothing_is_lost(client_as, system_admin,
                                                                                       receiver, register,
                                                                                       settings):
    settings.WEBHOOK_PAUSE_AFTER = 2
    settings.WEBHOOK_RETRY_SECONDS = 0
    system_admin.email = "sun@huaining.gov.cn"
    system_admin.save()
    subscriber, _secret = subscribe(client_as, system_admin, receiver.url)
    receiver.answers = [500, 500]
    first, second = register(), register()

    services.deliveries_run()

    subscriber.refresh_from_db()
    assert subscriber.paused_at is not None and len(receiver.requests) == 2
    assert mail.outbox[-1].to == ["sun@huaining.gov.cn"] and "已暂停" in mail.outbox[-1].subject
    assert services.deliveries_run() == 0  # paused: nothing is tried
    assert "恢复投递" in client_as(system_admin).get(f"/exchange/subscribers/{subscriber.pk}/").content.decode()

    client_as(system_admin).post(f"/exchange/subscribers/{subscriber.pk}/resume/")
    services.deliveries_run()

    numbers = [b["data"]["case"]["number"] for b in receiver.bodies()[-2:]]
    assert sorted(numbers) == sorted([first.number, second.number])
    assert not Delivery.objects.exclude(state="delivered").exists()


@pytest.mark.django_db
def test_card_raised_and_the_steps_are_told_set_by_set(client_as, system_admin, receiver, register, caseworker,
                                                      county):
    subscribe(client_as, system_admin, receiver.url, events=("case.assigned", "card.raised"))
    case = register()
    case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
    workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    from workflow.sweep import sweep

    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        sweep()
        services.deliveries_run()

    types = [b["type"] for b in receiver.bodies()]
    assert types[0] == "case.assigned" and "card.raised" in types
    card = next(b for b in receiver.bodies() if b["type"] == "card.raised")["data"]
    assert card["case"]["number"] == case.number and card["card"]["colour"] in ("yellow", "red", "red2")


@pytest.mark.django_db
def test_subscribing_is_the_system_administrators_and_bad_input_changes_nothing(client_as, system_admin, caseworker,
                                                                               other_county):
    assert client_as(caseworker).get("/exchange/subscribers/").status_code == 403
    bad = client_as(system_admin).post("/exchange/subscribers/", {"name": "", "url": "ftp://x", "events": ["nope"]})

    assert bad.status_code == 400 and not Subscriber.objects.exists()
    page = bad.content.decode()
    assert "请填写名称" in page and "所选事件无效" in page and "请填写有效的网址" in page
    other_admin = make_person("other.sysadmin", other_county.bureau, ["system_admin"])
    subscriber, _secret = services.subscriber_create(actor=other_admin, county=other_county.region, name="B",
                                                     url="https://b.example/", events=["case.closed"])
    assert client_as(system_admin).get(f"/exchange/subscribers/{subscriber.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_delivers_once_it_is_back(on_postgres, redis_url, client_as, system_admin,
                                                               receiver, register):
    subscribe(client_as, system_admin, receiver.url)
    register()
    receiver.delay = 30  # the first try hangs: the worker is killed while it waits for the answer

    with RealWorker(redis_url, "webhook-test") as worker:
        worker.send("xinfang.exchange.tasks.deliver_events")
        wait_for(lambda: receiver.requests, "the worker never tried to deliver")
        worker.kill()
        assert Delivery.objects.get().state == "pending"  # its transaction died with it
        receiver.delay = 0
        worker.start().send("xinfang.exchange.tasks.deliver_events")
        wait_for(lambda: Delivery.objects.filter(state="delivered").exists(), "the event was not delivered")

    assert len(receiver.requests) == 2  # tried twice,
    assert len(receiver.seen) == 1  # taken once, by its event id


@pytest.mark.django_db
def test_a_garbled_answer_is_a_failure_like_any_other_and_holds_up_nobody(client_as, system_admin, register):
    import socket
    import threading

    garbler = socket.socket()
    garbler.bind(("127.0.0.1", 0))
    garbler.listen(5)

    def answer():
        while True:
            try:
                conn, _addr = garbler.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            conn.close()

    threading.Thread(target=answer, daemon=True).start()
    try:
        subscribe(client_as, system_admin, f"http://127.0.0.1:{garbler.getsockname()[1]}/")
        register()
        assert services.deliveries_run() == 0
    finally:
        garbler.close()

    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.next_at > timezone.now() and "BadStatusLine" in delivery.last_error


@pytest.mark.django_db
def test_what_was_given_up_while_the_receiver_was_down_goes_again_on_resume(client_as, system_admin, receiver,
                                                                           register, settings):
    settings.WEBHOOK_RETRY_SECONDS = 0
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscriber, _secret = subscribe(client_as, system_admin, receiver.url)
    receiver.answers = [500]
    register()
    services.deliveries_run()
    assert Delivery.objects.get().state == "gave_up"
    Subscriber.objects.filter(pk=subscriber.pk).update(paused_at=timezone.now())

    client_as(system_admin).post(f"/exchange/subscribers/{subscriber.pk}/resume/")
    services.deliveries_run()

    assert Delivery.objects.get().state == "delivered" and len(receiver.requests) == 2


@pytest.mark.django_db
def test_a_subscriber_may_not_point_the_worker_at_its_own_host(client_as, system_admin, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    page = client_as(system_admin)

    for url in ("http://127.0.0.1:8000/admin/", "http://169.254.169.254/latest/meta-data/", "http://localhost/x"):
        response = page.post("/exchange/subscribers/", {"name": url, "url": url, "events": ["case.closed"]})
        assert response.status_code == 400 and "不能指向本机" in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_a_receiver_that_redirects_is_a_failure_not_a_detour(client_as, system_admin, receiver, register):
    receiver.answers = [302]
    subscribe(client_as, system_admin, receiver.url)
    register()

    assert services.deliveries_run() == 0
    assert Delivery.objects.get().last_status == 302 and len(receiver.requests) == 1
