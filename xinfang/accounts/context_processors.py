"""The page's idle limit for the warning before it (static/js/session.js): seconds, or None when not signed in."""

from . import services


def session_limits(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {"session_idle_seconds": request.session.get(services.IDLE)}
