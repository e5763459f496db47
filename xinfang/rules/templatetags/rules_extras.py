"""``{% if request.user|may_edit:group %}``: whether the user saves versions of a group (each group names who)."""

from django import template

from xinfang.rules import selectors

register = template.Library()


@register.filter
def may_edit(user, group) -> bool:
    return selectors.may_edit(user, group)
