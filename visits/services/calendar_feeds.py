"""Calendar feeds: writes a leader's private ICS address (CalendarFeed), created on first use and regenerated
on request, so their calendar app shows their reception slots without signing in."""

import secrets

from django.db import transaction

from xinfang.org.models import User
from xinfang.org.services import audit_record

from ..models import CalendarFeed


@transaction.atomic
def calendar_feed_token(*, actor: User, regenerate: bool = False) -> CalendarFeed:
    """The actor's private ICS address (created on first use; ``regenerate`` retires the old one)."""
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        return CalendarFeed.objects.create(user=actor, token=secrets.token_urlsafe(32))
    if regenerate:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
        audit_record(actor=actor, action="calendar_feed.regenerate", obj=feed)
    return feed
