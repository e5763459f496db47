"""Template helpers of the dashboard: a change (同比/环比) with its sign, unit and colour."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def delta(value, *, rate: bool, higher_is_better: bool = True, label: str = ""):
    """``↑2.50个百分点`` for a rate, ``↓12.00%`` for a count; green when better, red when worse, "—" if unknown."""
    if value is None:
        return format_html('<span class="text-muted">{} —</span>', label)
    unit = _("个百分点") if rate else "%"
    better = (value > 0) == higher_is_better
    css = "text-muted" if value == 0 else ("text-success" if better else "text-danger")
    arrow = "↑" if value > 0 else "↓" if value < 0 else ""
    return format_html('<span class="{}">{} {}{}{}</span>', css, label, arrow, abs(value), unit)


@register.filter
def percent(value):
    """A rate as "97.62%", or "—" when there was nothing to count."""
    return "—" if value is None else f"{value}%"
