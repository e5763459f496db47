"""Badges of the deadlines app for every page: a case's red/yellow card, a clock's state, a card's colour.

Computed from what the row already holds (``Case.due_on`` / ``warn_on``, the prefetched clocks), so a list of
any length costs no query per row and is right between two sweeps."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

register = template.Library()

# Bootstrap classes of a clock's state (deadlines.selectors.deadline_state).
STATE_CLASSES = {
    "met": "text-bg-success", "met_late": "text-bg-secondary", "stopped": "text-bg-light border",
    "suspended": "text-bg-info", "running": "text-bg-primary", "yellow": "text-bg-warning",
    "red": "text-bg-danger", "red2": "badge-red2",
}
CARD_CLASSES = {"yellow": "text-bg-warning", "red": "text-bg-danger", "red2": "badge-red2"}


CARD_BADGES = {
    "red": ("text-bg-danger", gettext_lazy("有办理时限已超期"), gettext_lazy("红牌")),
    "yellow": ("text-bg-warning", gettext_lazy("有办理时限即将到期"), gettext_lazy("黄牌")),
}


@register.simple_tag
def card_badge(case, today=None):
    """The case's red or yellow badge (nothing when no running clock is near its due date). Built in Python, not
    by a template per row: a list shows dozens."""
    colour = case.card_colour(today or timezone.localdate())
    if colour not in CARD_BADGES:
        return ""
    css, title, label = CARD_BADGES[colour]
    return format_html('<span class="badge {}" data-testid="card-badge" data-colour="{}" title="{}">{}</span>',
                       css, colour, title, label)


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-light")


@register.filter
def card_class(colour: str) -> str:
    return CARD_CLASSES.get(colour, "text-bg-light")
