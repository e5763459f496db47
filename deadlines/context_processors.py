"""The bell in the navbar: the user's unread notifications, counted only when a page shows it."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def notifications(request):
    """``unread_notifications``: one indexed COUNT (deadlines_notif_unread), run when a template first reads it,
    so pages and fragments that do not show the bell pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user=user))}
