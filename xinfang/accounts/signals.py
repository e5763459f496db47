"""A login starts its session under the county's rules (limits, a password to change, a second factor to give, one
session per person); a logout forgets the session."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from xinfang.http import client_ip

from . import services


@receiver(user_logged_in)
def _started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.session_start(user=user, session=request.session, ip_address=client_ip(request),
                               user_agent=request.META.get("HTTP_USER_AGENT", ""))


@receiver(user_logged_out)
def _ended(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.session_end(session_key=request.session.session_key)
