"""Badges of the deadlines app for every page: a case's red/yellow card, a clock's state, a card's colour.

Computed from what the row already holds (``Case.due_on`` / ``warn_on``, the prefetched clocks), so a list of
any length costs no query per row and is right between two sweeps."""

from django import template
from django.utils import timezone

register = template.Library()

# Bootstrap classes of a clock's state (deadlines.selectors.deadline_state).
STATE_CLASSES = {
    "met": "text-bg-success", "met_late": "text-bg-secondary", "stopped": "text-bg-light border",
    "suspended": "text-bg-info", "running": "text-bg-primary", "yellow": "text-bg-warning",
    "red": "text-bg-danger", "red2": "badge-red2",
}
CARD_CLASSES = {"yellow": "text-bg-warning", "red": "text-bg-danger", "red2": "badge-red2"}


@register.inclusion_tag("deadlines/_card_badge.html")
def card_badge(case, today=None):
    """The case's red or yellow badge (nothing when no running clock is near its due date)."""
    return {"colour": case.card_colour(today or timezone.localdate())}


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-light")


@register.filter
def card_class(colour: str) -> str:
    return CARD_CLASSES.get(colour, "text-bg-light")
