"""/account/: the person's own security — the password, the second factor, the sessions — and the login's last
step, the second factor. Thin: each page parses its form and calls one service."""

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.org import selectors as org_selectors
from xinfang.pages import form_service_error

from . import selectors, services
from .forms import PhoneForm, TokenForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return "/"


@login_required
@never_cache
def overview(request):
    user = request.user
    rules = selectors.security_rules(user)
    sms = selectors.sms_device(user)
    return render(request, "accounts/overview.html", {
        "rules": rules, "totp": selectors.totp_device(user), "sms": sms,
        "sms_available": selectors.sms_available(rules),
        "sms_phone": services.masked_phone(sms) if sms else "",
        "recovery_left": selectors.recovery_codes_left(user),
        "required": selectors.two_factor_required(user, rules),
        "sessions": selectors.sessions_of(user)[:20], "current": request.session.session_key})


@login_required
@never_cache
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        form.save()
        old_key = request.session.session_key
        update_session_auth_hash(request, form.user)  # a new session key: the session's record follows it
        services.session_rekeyed(old=old_key, new=request.session.session_key)
        request.session[services.MUST_CHANGE_PASSWORD] = False
        services.password_change_audit(user=form.user, ip_address=client_ip(request))
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "accounts/password.html", {
        "form": form, "forced": request.session.get(services.MUST_CHANGE_PASSWORD),
        "rules": selectors.security_rules(request.user)}, status=400 if form.errors else 200)


def _qr(url: str) -> str:
    # segno draws it from django-otp's own otpauth:// address (the device's key), no user input.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, title=_("验证器二维码")))  # noqa: S308


@login_required
@never_cache
def two_factor(request):
    """Bind an authenticator app (TOTP): scan the code, type its first number; recovery codes follow, once. A person
    who has one binds a new one only after giving the second factor: a password alone never replaces it."""
    if selectors.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = services.totp_confirm(user=request.user, token=form.cleaned_data["token"],
                                             ip_address=client_ip(request))
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            otp_login(request, enrolled.device)
            return render(request, "accounts/recovery_codes.html", {
                "codes": enrolled.recovery_codes, "next": _next(request)})
    device = services.totp_pending(user=request.user)
    return render(request, "accounts/two_factor.html", {
        "form": form, "qr": _qr(device.config_url), "secret": services.totp_secret(device),
        "has_device": selectors.has_second_factor(request.user), "next": _next(request)},
        status=400 if form.errors else 200)


@login_required
@require_POST
def recovery_codes(request):
    if not request.user.is_verified():
        return redirect("accounts:verify")
    try:
        codes = services.recovery_codes_renew(user=request.user, ip_address=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:overview")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/account/"})


@login_required
@never_cache
def sms_enrol(request):
    """Register the mobile for the fallback code: the number, then the code sent to it."""
    if selectors.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    phone_form = PhoneForm(request.POST if "phone" in request.POST else None)
    token_form = TokenForm(request.POST if "token" in request.POST else None)
    if phone_form.is_bound and phone_form.is_valid():
        try:
            services.sms_phone_set(user=request.user, phone=phone_form.cleaned_data["phone"],
                                   ip_address=client_ip(request))
        except ApplicationError as exc:
            form_service_error(phone_form, exc)
        else:
            messages.info(request, _("验证码已发送，请查收短信。"))
            return redirect("accounts:sms")
    if token_form.is_bound and token_form.is_valid():
        try:
            services.sms_confirm(user=request.user, token=token_form.cleaned_data["token"],
                                 ip_address=client_ip(request))
        except ApplicationError as exc:
            form_service_error(token_form, exc)
        else:
            messages.success(request, _("已登记短信验证手机。"))
            return redirect("accounts:overview")
    return render(request, "accounts/sms.html", {
        "phone_form": phone_form, "token_form": token_form, "pending": services.sms_pending(user=request.user)},
        status=400 if phone_form.errors or token_form.errors else 200)


@login_required
@never_cache
def verify(request):
    """The login's second step: the authenticator's code, a recovery code, or (if the county allows) an SMS code."""
    if not selectors.has_second_factor(request.user):
        return redirect("accounts:two_factor")
    if request.user.is_verified():
        return redirect(_next(request))
    rules = selectors.security_rules(request.user)
    form = TokenForm(request.POST if "token" in request.POST else None)
    if request.method == "POST" and "send_sms" in request.POST:
        try:
            services.sms_send(user=request.user, ip_address=client_ip(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.info(request, _("验证码已发送至登记的手机。"))
    elif form.is_bound and form.is_valid():
        device = services.second_factor_verify(user=request.user, token=form.cleaned_data["token"],
                                               ip_address=client_ip(request))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("验证码不正确或已过期；多次错误后须稍候再试。"))
    return render(request, "accounts/verify.html", {
        "form": form, "next": _next(request),
        "sms": selectors.sms_available(rules) and selectors.sms_device(request.user) is not None},
        status=400 if form.errors else 200)


@login_required
@require_POST
def keepalive(request):
    """The idle warning's "继续": the middleware has seen the request, so the idle clock starts again."""
    return HttpResponse(status=204)


@login_required
@require_POST
@permission_required("accounts.manage_security", raise_exception=True)
def reset_two_factor(request, pk):
    person = get_object_or_404(org_selectors.user_list(user=request.user), pk=pk)
    try:
        services.second_factor_reset(actor=request.user, user=person, ip_address=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重置%(name)s的双因素认证，其下次登录时重新绑定。") % {
            "name": person.display_name})
    return redirect("org:user_list")
