"""Writes of the exchange app: subscribers kept by the system administrator, events written with the change they tell
of, deliveries made by the worker (signed, retried with back-off, logged, a failing subscriber paused and its keepers
told), and messages sent at most once."""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang import personal_data, sms
from xinfang.celery import enqueue
from xinfang.errors import Conflict, NotPermitted, full_clean_or_fail, invalid
from xinfang.org.models import Region, User
from xinfang.org.scoping import scoped
from xinfang.org.services import audit_record

from .choices import DeliveryState, EventType, MessageChannel, MessageState
from .models import Delivery, DeliveryAttempt, Message, OutboxEvent, Subscriber

logger = logging.getLogger("xinfang.exchange")
MANAGE = "exchange.add_subscriber"
DELIVER_TASK = "xinfang.exchange.tasks.deliver_events"


# Subscribers ---------------------------------------------------------------------------------------------

@transaction.atomic
def subscriber_create(*, actor: User, county: Region, name: str, url: str, events: list[str], source_system: str = "",
                      shape: dict | None = None, ip_address: str | None = None) -> tuple[Subscriber, str]:
    """A subscriber of the actor's county; returns it with its signing secret, shown once. With ``source_system``
    it is a platform's return path: only the cases that platform handed over, in its ``shape``."""
    if not actor.has_perm(MANAGE) or not scoped(Region.objects.filter(pk=county.pk), actor).exists():
        raise NotPermitted()
    unknown = set(events) - set(EventType.values)
    if not events or unknown:
        raise invalid("events", _("请选择要订阅的事件。"))
    if not url.startswith(("https://", "http://")):
        raise invalid("url", _("接收地址须以 http:// 或 https:// 开头。"))
    if not _reachable_host(url):
        raise invalid("url", _("接收地址不能指向本机或链路本地地址。"))
    secret = secrets.token_urlsafe(32)
    subscriber = Subscriber(county=county, name=name.strip(), url=url.strip(), events=sorted(set(events)),
                            secret_encrypted=personal_data.encrypt(secret), created_by=actor,
                            source_system=(source_system or "").strip(), shape=shape_check(shape))
    full_clean_or_fail(subscriber, validate_constraints=False)
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError as exc:
        raise Conflict(_("本县已有同名的订阅。"), code="duplicate_name") from exc
    audit_record(actor=actor, action="subscriber.create", obj=subscriber, region=county,
                 changes={"url": subscriber.url, "events": subscriber.events}, ip_address=ip_address)
    return subscriber, secret


@transaction.atomic
def subscriber_resume(*, actor: User, subscriber: Subscriber, ip_address: str | None = None) -> Subscriber:
    """Start delivering again after a pause: what waited is delivered first, oldest first."""
    if not actor.has_perm("exchange.change_subscriber"):
        raise NotPermitted()
    Subscriber.objects.filter(pk=subscriber.pk).update(paused_at=None, paused_reason="", failures=0)
    # What waited, and what was given up while the receiver was down, goes again with a fresh count of tries.
    Delivery.objects.filter(subscriber=subscriber, state__in=(DeliveryState.PENDING, DeliveryState.GAVE_UP)).update(
        state=DeliveryState.PENDING, attempts=0, next_at=timezone.now())
    audit_record(actor=actor, action="subscriber.resume", obj=subscriber, region=subscriber.county,
                 ip_address=ip_address)
    enqueue(DELIVER_TASK)
    subscriber.refresh_from_db()
    return subscriber


# Events --------------------------------------------------------------------------------------------------

def subscribers_of(county_id: int, type: str) -> list[tuple[int, str]]:
    """The county's active subscribers of ``type``, with the source system each is limited to (a county has a
    handful: one small indexed query)."""
    return [(pk, source) for pk, events, source in Subscriber.objects.filter(county_id=county_id, is_active=True)
            .values_list("pk", "events", "source_system") if type in events]


def _for(subscribers, payload: dict) -> list[int]:
    """Those that want this object: a platform's return path hears only of the cases it handed over."""
    source = (payload.get("case") or {}).get("external_system") or ""
    return [pk for pk, limited_to in subscribers if not limited_to or limited_to == source]


def event_emit(*, county_id: int, type: str, object_type: str, object_id, payload) -> OutboxEvent | None:
    """Write an event and its deliveries in the caller's transaction (nothing, and no query, when no subscriber
    wants it); ``payload`` may be a callable, called only then. The worker is woken once the transaction commits."""
    subscribers = subscribers_of(county_id, type)
    if not subscribers:
        return None
    payload = payload() if callable(payload) else payload
    subscribers = _for(subscribers, payload)
    if not subscribers:
        return None
    event = OutboxEvent.objects.create(county_id=county_id, type=type, object_type=object_type,
                                       object_id=str(object_id), payload=payload)
    Delivery.objects.bulk_create([Delivery(event=event, subscriber_id=pk) for pk in subscribers])
    enqueue(DELIVER_TASK)
    return event


def counties_wanting(type: str) -> set[int]:
    """The counties with an active subscriber of ``type`` (a sweep asks before it reads what to tell)."""
    return {county_id for county_id, events in Subscriber.objects.filter(is_active=True).values_list(
        "county_id", "events") if type in events}


def events_emit_many(*, type: str, object_type: str, rows: list[tuple[int, object, dict]]) -> int:
    """Events for many objects at once (a sweep's cards): ``rows`` of (county id, object id, payload), three
    queries whatever their number."""
    wanted = {}
    for pk, county_id, events, source in Subscriber.objects.filter(
            county_id__in={r[0] for r in rows}, is_active=True).values_list("pk", "county_id", "events",
                                                                            "source_system"):
        if type in events:
            wanted.setdefault(county_id, []).append((pk, source))
    made, targets = [], []
    for county_id, object_id, payload in rows:
        pks = _for(wanted.get(county_id, []), payload)
        if pks:
            made.append(OutboxEvent(county_id=county_id, type=type, object_type=object_type,
                                    object_id=str(object_id), payload=payload))
            targets.append(pks)
    OutboxEvent.objects.bulk_create(made)
    Delivery.objects.bulk_create([Delivery(event=e, subscriber_id=pk) for e, pks in zip(made, targets, strict=True)
                                  for pk in pks])
    if made:
        enqueue(DELIVER_TASK)
    return len(made)


def _reachable_host(url: str) -> bool:
    """Not this machine nor a link-local address (a cloud's metadata service): a subscriber's URL must not turn the
    worker against its own host. Intranet addresses are allowed — the county's systems live there. Development and
    the tests (WEBHOOK_ALLOW_LOOPBACK) may post to 127.0.0.1."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return True  # not resolvable now: the delivery will fail and say so, not reach a forbidden host
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_link_local or (ip.is_loopback and not settings.WEBHOOK_ALLOW_LOOPBACK) or ip.is_unspecified:
            return False
    return True


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver answers; it does not send the worker elsewhere (a 3xx is a failure, logged with its code)."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>" with the subscriber's secret, hex (the X-Xinfang-Signature header)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _standard(event: OutboxEvent) -> dict:
    return {"id": str(event.event_id), "type": event.type, "occurred_at": event.occurred_at.isoformat(),
            "data": event.payload}


def _value(document: dict, path: str):
    for part in path.split("."):
        document = document.get(part) if isinstance(document, dict) else None
    return document


def shaped(event: OutboxEvent, shape: dict) -> dict:
    """The event in a platform's own shape. ``shape["fields"]`` names, for each of its fields, where our value is
    ("data.case.external_id", "type", "occurred_at", …); ``shape["codes"]`` turns our values into its codes, per
    field ({"state": {"case.replied": "30"}}); ``shape["fixed"]`` adds constant fields (its own system code)."""
    standard = _standard(event)
    codes = shape.get("codes") or {}
    body = dict(shape.get("fixed") or {})
    for theirs, ours in (shape.get("fields") or {}).items():
        value = _value(standard, ours)
        body[theirs] = (codes.get(theirs) or {}).get(value, value) if isinstance(value, str) else value
    return body


def shape_check(shape) -> dict:
    """A shape as the page or the API gives it, checked: fields to paths, codes to per-field mappings."""
    if shape in (None, "", {}):
        return {}
    fields = shape.get("fields", {}) if isinstance(shape, dict) else None
    codes = shape.get("codes") or {} if isinstance(shape, dict) else None
    if not isinstance(fields, dict) or not isinstance(codes, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in fields.items()) or not all(
            isinstance(v, dict) for v in codes.values()):
        raise invalid("shape", _("回传格式应为：fields 列出对方字段取我方哪个值，codes 列出对方字段的代码对照。"))
    return {k: shape[k] for k in ("fields", "codes", "fixed") if k in shape}


def _body(event: OutboxEvent, subscriber: Subscriber) -> bytes:
    document = shaped(event, subscriber.shape) if subscriber.shape else _standard(event)
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def _post(subscriber: Subscriber, event: OutboxEvent) -> tuple[int | None, str]:
    body = _body(event, subscriber)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(subscriber.url, data=body, method="POST", headers={  # noqa: S310 - http(s) only
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "xinfang-webhooks/1",
        "X-Xinfang-Event": event.type, "X-Xinfang-Event-Id": str(event.event_id),
        "X-Xinfang-Timestamp": timestamp,
        "X-Xinfang-Signature": f"sha256={signature(subscriber.secret, timestamp, body)}"})
    try:
        if not _reachable_host(subscriber.url):
            return None, "refused: the address is this machine or link-local"
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except Exception as exc:  # noqa: BLE001 - whatever the receiver does (no answer, a garbled one), it is a failure
        return None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:300]


def backoff(attempts: int) -> timedelta:
    """The wait before try ``attempts + 1``: doubling from WEBHOOK_RETRY_SECONDS, at most six hours."""
    return timedelta(seconds=min(settings.WEBHOOK_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600))


def deliveries_run(*, limit: int = 100) -> int:
    """Deliver what is due, each delivery in its own transaction holding its row (SKIP LOCKED: two workers never
    take the same one; a worker killed mid-delivery leaves it pending, delivered again later under the same event id).
    Returns how many were delivered."""
    delivered = 0
    for _i in range(limit):
        with transaction.atomic():
            delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                        .select_related("event", "subscriber")
                        .filter(state=DeliveryState.PENDING, next_at__lte=timezone.now(),
                                subscriber__paused_at__isnull=True, subscriber__is_active=True)
                        .order_by("next_at", "id").first())
            if delivery is None:
                break
            delivered += _attempt(delivery)
    return delivered


def _attempt(delivery: Delivery) -> int:
    started = time.monotonic()
    status, error = _post(delivery.subscriber, delivery.event)
    took = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    DeliveryAttempt.objects.create(delivery=delivery, status=status, error=error, duration_ms=took)
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status, error
    if ok:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, timezone.now()
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(failures=0)
    else:
        delivery.next_at = timezone.now() + backoff(delivery.attempts)
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.state = DeliveryState.GAVE_UP
        _failed(delivery.subscriber)
    delivery.save(update_fields=["attempts", "last_status", "last_error", "state", "delivered_at", "next_at"])
    return int(ok)


def _failed(subscriber: Subscriber) -> None:
    """A failure in a row: at WEBHOOK_PAUSE_AFTER the subscriber is paused and its county's keepers are told."""
    Subscriber.objects.filter(pk=subscriber.pk).update(failures=F("failures") + 1)
    subscriber.refresh_from_db(fields=["failures", "paused_at"])
    if subscriber.failures < settings.WEBHOOK_PAUSE_AFTER or subscriber.paused_at is not None:
        return
    reason = _("连续%(n)s次投递失败，已暂停。") % {"n": subscriber.failures}
    Subscriber.objects.filter(pk=subscriber.pk).update(paused_at=timezone.now(), paused_reason=reason)
    keepers = _keepers(subscriber)
    if keepers:
        send_mail(_("【信访通】事件订阅“%(name)s”已暂停") % {"name": subscriber.name},
                  _("%(name)s（%(url)s）%(reason)s请检查接收方后在“事件订阅”页恢复投递；未投递的事件不会丢失。") % {
                      "name": subscriber.name, "url": subscriber.url, "reason": reason},
                  None, keepers, fail_silently=True)
    logger.warning("webhook subscriber %s paused after %s failures", subscriber.pk, subscriber.failures)


def _keepers(subscriber: Subscriber) -> list[str]:
    """The e-mail addresses of the county's system administrators (who keep its subscribers)."""
    people = User.objects.filter(is_active=True, email__gt="", unit__region__path__startswith=subscriber.county.path,
                                 groups__permissions__codename="add_subscriber").distinct()
    return [u.email for u in people]


# Messages ------------------------------------------------------------------------------------------------

def message_prepare(*, key: str, channel: str, to: str, body: str, purpose: str, county_id: int | None = None,
                    subject: str = "") -> tuple[Message, bool]:
    """Record a message to send under ``key`` (one per purpose and object), in the caller's transaction — with the
    change that calls for it. Returns it and whether it is new; the same key again records nothing."""
    message, created = Message.objects.get_or_create(key=key, defaults={
        "county_id": county_id, "channel": channel, "to_encrypted": personal_data.encrypt(to),
        "to_masked": personal_data.mask_phone(to) if channel == MessageChannel.SMS else personal_data.mask_email(to),
        "body_encrypted": personal_data.encrypt(body), "subject": subject[:200], "purpose": purpose,
        "state": MessageState.PENDING})
    return message, created


def message_deliver(*, key: str) -> Message | None:
    """Hand a recorded message to its gateway at most once: it is marked "sending" and committed first, so a second
    call (a retried task, a second worker) sends nothing, and a worker dying mid-send leaves "sending" for a person
    to check with the gateway. A gateway that cannot be reached (OSError) leaves it "failed", to be tried again, and
    raises, so the task retries."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(
            key=key, state__in=(MessageState.PENDING, MessageState.FAILED)).first()
        if message is None:
            return Message.objects.filter(key=key).first()  # sent, or being sent: never again
        Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING, attempts=F("attempts") + 1)
    to, body = personal_data.decrypt(message.to_encrypted), personal_data.decrypt(message.body_encrypted)
    try:
        if message.channel == MessageChannel.SMS:
            sms.send_sms(to, body)
        else:
            send_mail(message.subject, body, None, [to])
    except TimeoutError:
        # No answer in time: the gateway may have taken it. It stays "sending" (unknown), never sent again.
        Message.objects.filter(pk=message.pk).update(error=str(_("网关未及时应答，发送结果不明。"))[:300])
        message.refresh_from_db()
        return message
    except OSError as exc:
        Message.objects.filter(pk=message.pk).update(state=MessageState.FAILED, error=str(exc)[:300])
        raise
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENT, sent_at=timezone.now(), error="")
    message.refresh_from_db()
    return message


def message_send_once(*, key: str, channel: str, to: str, body: str, purpose: str, county_id: int | None = None,
                      subject: str = "") -> Message:
    """Record and send now (a task that is itself the send: the answer-link SMS), at most once under ``key``."""
    message_prepare(key=key, channel=channel, to=to, body=body, purpose=purpose, county_id=county_id,
                    subject=subject)
    return message_deliver(key=key)
