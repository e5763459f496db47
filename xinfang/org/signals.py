"""Every login, logout, failed login and lockout goes into the audit trail, with the IP it came from: a failed login
is kept even after a later success (django-axes forgets its own count then)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import audit_append


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _record(action: str, request, user=None, username: str = "", changes: dict | None = None) -> None:
    if user is None and username:
        user = get_user_model().objects.filter(username=username).first()
    audit_append(actor=user if action in ("auth.login", "auth.logout") else None, action=action,
                 object_type="org.user", object_id=str(user.pk) if user is not None else "",
                 object_repr=(user.username if user is not None else username)[:200],
                 region=user.region if user is not None else None, changes=changes or {}, ip_address=_ip(request))


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    _record("auth.login", request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        _record("auth.logout", request, user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    _record("auth.login_failed", request, username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    _record("auth.locked_out", request, username=str(username or ""))
