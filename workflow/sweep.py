"""The card sweep and what a red card costs."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from deadlines import services as clocks
from scoring import services as scoring


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, escalate and clear cards (deadlines.services.sweep), then charge each red card raised in the last week
    and not yet charged to its responsible leader (积分制). The charge is idempotent (one ledger row per card), so a
    run that dies between the two is made good by the next, even for a card cleared meanwhile."""
    now = now or timezone.now()
    counts = clocks.sweep(now=now)
    with transaction.atomic():
        counts["charged"] = scoring.points_for_red_cards(at=now)
    return counts
