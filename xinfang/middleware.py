"""The edges of every request: Chinese first, and bad requests refused in the product's words.

Chinese first: the interface language is the one the user chose (the language cookie set by the
language switcher), else zh-hans. The browser's Accept-Language is ignored on purpose: intranet PCs often
run English-language systems, and a Chinese office expects a Chinese product unless someone asks otherwise."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.api.errors import error_body
from xinfang.http import client_ip
from xinfang.org.services import audit_append


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None, *, message=None, code="invalid"):
    """The 400 of every page and API call, in the product's words: JSON in the API's one error shape under /api/, a
    Chinese page elsewhere (Django's handler400, and the refusals of RefuseNulBytesMiddleware). A body over the
    limit (RequestDataTooBig) is a 413 ``request_too_large``."""
    status = 400
    if isinstance(exception, RequestDataTooBig):
        status, code, message = 413, "request_too_large", _("提交的内容过大。")
    message = message or _("请求有误，请检查后重试。")
    if _is_api(request):
        return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message}, status=status)


class RefuseNulBytesMiddleware:
    """A NUL character in the address, the query or a form field is refused before any view runs: PostgreSQL cannot
    store or compare it, and a look-up would end in a 500. (JSON bodies: xinfang.api.parsers.SafeJSONParser.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.GET.items()) or (
                request.method == "POST" and request.content_type in _FORM_TYPES
                and any("\x00" in k or "\x00" in v for k, v in request.POST.items())):
            return bad_request(request, message=_("请求中不能含有空字符。"))
        return self.get_response(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class AuditWritesMiddleware:
    """Every write that reaches the product — a page's form, an API call, signed in or not — leaves a row in the one
    audit trail with who, from which address, what (the view and the object's id from the address) and the result
    (the status). The services' own rows say what changed; this one says that it was asked and how it ended, refusals
    included. Logins and logouts have their own rows (xinfang.org.signals); the idle warning's keep-alive is not a
    write."""

    SKIP = ("/login/", "/logout/", "/account/keepalive/", "/i18n/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE") or request.path.startswith(self.SKIP):
            return response
        match = getattr(request, "resolver_match", None) or _resolved(request)  # a refusal before any view ran
        user = getattr(request, "user", None)  # DRF sets the token's user on the request it wraps
        actor = user if user is not None and user.is_authenticated else None
        name = match.view_name if match is not None else "unknown"
        ids = [str(v) for k, v in (match.kwargs.items() if match is not None else []) if k in _ID_KWARGS]
        audit_append(actor=actor, action=f"{'api' if _is_api(request) else 'web'}.{name}"[:50],
                     object_type="request", object_id=(ids[0] if ids else "")[:40],
                     object_repr=_address(request, match)[:200],
                     region_id=actor.unit.region_id if actor is not None and actor.unit_id else None,
                     changes={"method": request.method, "status": response.status_code},
                     ip_address=client_ip(request))
        return response


_ID_KWARGS = ("pk", "number", "key", "code", "version", "token_id")


def _resolved(request):
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def _address(request, match) -> str:
    """The address written to the trail: as asked, but a one-time link's token (the petitioner's answer link) as its
    pattern, so no live secret is kept."""
    if match is not None and "token" in match.kwargs:
        return "/" + match.route
    if request.path.startswith("/r/"):  # an answer link that did not resolve: still a token
        return "/r/…"
    return request.path
