"""Reads of the exchange app, within the reader's jurisdiction."""

from django.db.models import Count, Q

from xinfang.org.scoping import scoped

from .choices import DeliveryState
from .models import DeliveryAttempt, LedgerImport, Message, Subscriber


def subscriber_list(*, user):
    return scoped(Subscriber.objects.all(), user).annotate(
        pending=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)),
        delivered=Count("deliveries", filter=Q(deliveries__state=DeliveryState.DELIVERED)),
        gave_up=Count("deliveries", filter=Q(deliveries__state=DeliveryState.GAVE_UP)))


def delivery_log(*, subscriber: Subscriber, limit: int = 100):
    """The subscriber's latest tries, newest first, with the event each carried."""
    return (DeliveryAttempt.objects.filter(delivery__subscriber=subscriber).select_related("delivery__event")
            .order_by("-at", "-id")[:limit])


def message_list(*, user):
    return scoped(Message.objects.all(), user).order_by("-created_at", "-id")


def import_list(*, user):
    return scoped(LedgerImport.objects.all(), user).select_related("created_by", "county")
