"""Every signed-in request is held to the county's login rules (set into the session at login, services.session_start):

- a session idle longer than the county allows, or older than its lifetime, ends (back to the login page, or a 401
  ``session_expired`` under /api/);
- a person the county asks for two factors reaches nothing but the second-factor pages until they have given one;
- a password given by an administrator, or past its age, must be changed before anything else;
- outside development, a superuser (the installer's account) cannot sign in to the product (``SUPERUSER_LOGIN``).

Runs after django-otp's OTPMiddleware (``request.user.is_verified()``)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.api.errors import error_body

from . import selectors, services

# Reached whatever the session still owes: the static files, the health check, signing out, switching language.
ALWAYS = ("/static/", "/healthz", "/logout/", "/i18n/", "/favicon.ico")
# Before the second factor, only the pages that take it (a stolen password reaches nothing else, not even the
# password change).
SECOND_STEP = ("/account/two-factor/", "/account/verify/", "/account/keepalive/")


def _refuse(request, url_name: str, code: str, message: str, *, status: int = 403):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})
    url = reverse(url_name)
    if request.method == "GET" and url_name == "login":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(ALWAYS):
            return self.get_response(request)
        session = request.session
        why = services.session_expired(session)
        if why or (user.is_superuser and not settings.SUPERUSER_LOGIN):
            logout(request)
            message = {"idle": _("长时间未操作，已自动退出，请重新登录。"),
                       "lifetime": _("登录已超过有效时长，请重新登录。")}.get(
                why, _("超级用户仅用于系统安装，不能登录业务系统。"))
            messages.info(request, message)
            return _refuse(request, "login", "session_expired", message, status=401)
        services.session_seen(session)
        if session.get(services.TWO_FACTOR) and not user.is_verified() and not request.path.startswith(SECOND_STEP):
            enrolled = selectors.has_second_factor(user)
            return _refuse(request, "accounts:verify" if enrolled else "accounts:two_factor",
                           "two_factor_required", _("请先完成双因素认证。"))
        if session.get(services.MUST_CHANGE_PASSWORD) and not request.path.startswith(("/account/", *SECOND_STEP)):
            return _refuse(request, "accounts:password", "password_change_required", _("请先修改密码。"))
        return self.get_response(request)
