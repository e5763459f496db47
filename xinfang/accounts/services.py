"""Writes of account security: a password set (its history kept), a login's session started under the county's
rules, the second factor enrolled, verified and renewed. Every step that matters is in the audit trail with its IP."""

import base64
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang import personal_data, sms
from xinfang.errors import Conflict, NotPermitted, invalid
from xinfang.org.models import User
from xinfang.org.services import IssuedApiClient, api_client_create, audit_record

from . import selectors
from .models import PasswordHistory, SmsDevice, UserSession

RECOVERY_CODES = 10
SMS_CODE_SECONDS = 300
SMS_RESEND_SECONDS = 60  # one code a minute to a mobile, however often the button is pressed
# The keys a login writes into its session: when it began and was last seen, its limits (the county's rules at the
# moment of login), and what it must still do before anything else (change the password, give the second factor).
LOGIN_AT, SEEN_AT, IDLE, LIFETIME = "_login_at", "_seen_at", "_idle_seconds", "_lifetime_seconds"
MUST_CHANGE_PASSWORD, TWO_FACTOR = "_must_change_password", "_two_factor_required"


def password_recorded(*, user: User) -> None:
    """After a password is set (Django calls the validators' ``password_changed``): keep its hash for the "no reuse"
    rule, and note when, which also ends "change on first login"."""
    if not user.pk or not user.has_usable_password():
        return
    now = timezone.now()
    PasswordHistory.objects.create(user=user, password=user.password, at=now)
    User.objects.filter(pk=user.pk).update(password_changed_at=now, must_change_password=False)
    user.password_changed_at, user.must_change_password = now, False
    keep = selectors.security_rules(user).password_history
    stale = PasswordHistory.objects.filter(user=user).order_by("-at", "-id").values_list("pk", flat=True)[max(keep, 1):]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def password_change_audit(*, user: User, ip_address: str | None = None) -> None:
    audit_record(actor=user, action="auth.password_changed", obj=user, region=user.region, ip_address=ip_address)


def password_check_text(password: str, rules) -> list[str]:
    """What the password lacks under the county's rules, in plain Chinese (all at once)."""
    problems = []
    if len(password) < rules.password_min_length:
        problems.append(_("密码至少%(n)s位。") % {"n": rules.password_min_length})
    classes = sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
    if classes < rules.password_classes:
        problems.append(_("密码须包含大写字母、小写字母、数字、符号中的至少%(n)s种。") % {"n": rules.password_classes})
    return problems


def password_expired(user: User, rules) -> bool:
    if not rules.password_max_age_days or user.password_changed_at is None:
        return False
    return user.password_changed_at < timezone.now() - timedelta(days=rules.password_max_age_days)


# Sessions ------------------------------------------------------------------------------------------------

def _session_store() -> type[SessionBase]:
    # the session engine is the deployment's choice (a database or Redis)
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def session_start(*, user: User, session, ip_address: str | None, user_agent: str = "") -> None:
    """A login under the county's rules: its limits and what it must do first go into the session; where the county
    allows one session per person, the others end (and are audited as ended)."""
    rules = selectors.security_rules(user)
    now = timezone.now().timestamp()
    session[LOGIN_AT] = session[SEEN_AT] = now
    session[IDLE] = rules.idle_timeout_minutes * 60
    session[LIFETIME] = rules.session_lifetime_hours * 3600
    session[MUST_CHANGE_PASSWORD] = bool(
        (user.must_change_password and rules.change_on_first_login) or password_expired(user, rules))
    session[TWO_FACTOR] = selectors.two_factor_required(user, rules)
    if session.session_key is None:
        session.save()
    with transaction.atomic():
        if rules.single_session:
            others = list(UserSession.objects.filter(user=user).exclude(session_key=session.session_key)
                          .values_list("session_key", flat=True))
            store = _session_store()
            for key in others:
                store(session_key=key).delete()
            UserSession.objects.filter(session_key__in=others).delete()
            if others:
                audit_record(actor=user, action="auth.sessions_ended", obj=user, region=user.region,
                             changes={"sessions": len(others), "why": "single_session"}, ip_address=ip_address)
        UserSession.objects.update_or_create(session_key=session.session_key, defaults={
            "user": user, "ip_address": ip_address, "user_agent": user_agent[:200]})


def session_rekeyed(*, old: str | None, new: str | None) -> None:
    if old and new and old != new:
        UserSession.objects.filter(session_key=old).update(session_key=new)


def sessions_end(*, user: User, reason: str, actor: User | None = None, ip_address: str | None = None) -> int:
    """End every session of ``user`` (their roles changed: the next login works out again what it must ask)."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    if keys:
        audit_record(actor=actor, action="auth.sessions_ended", obj=user, region=user.region,
                     changes={"sessions": len(keys), "why": reason}, ip_address=ip_address)
    return len(keys)


def session_end(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def session_expired(session, now: float | None = None) -> str:
    """Why a signed-in session must end now ("idle", "lifetime"), or "" while it may go on. A session from before
    these rules (no login time) ends as past its lifetime."""
    now = timezone.now().timestamp() if now is None else now
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return "lifetime"
    if now - login_at > session.get(LIFETIME, 0):
        return "lifetime"
    if now - seen_at > session.get(IDLE, 0):
        return "idle"
    return ""


def session_seen(session, now: float | None = None) -> None:
    """The person did something: the idle clock starts again (written at most every 30 seconds)."""
    now = timezone.now().timestamp() if now is None else now
    if now - session.get(SEEN_AT, 0) >= 30:
        session[SEEN_AT] = now


# Two factors ---------------------------------------------------------------------------------------------

def totp_pending(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled, unconfirmed until the person types its first code (one pending at a
    time; the same one while the page is reloaded)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The key as the authenticator app types it by hand (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@dataclass(frozen=True)
class Enrolled:
    device: TOTPDevice
    recovery_codes: list[str]  # shown once


@transaction.atomic
def totp_confirm(*, user: User, token: str, ip_address: str | None = None) -> Enrolled:
    """The first code from the new authenticator confirms it; it replaces any earlier one, and a fresh set of
    recovery codes is issued."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise Conflict(_("请重新开始绑定验证器。"), code="no_pending_device")
    if not _digits(token) or not device.verify_token(token):
        raise invalid("token", _("验证码不正确，请输入验证器上当前显示的6位数字。"), "invalid_token")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_issue(user)
    audit_record(actor=user, action="auth.two_factor_enrolled", obj=user, region=user.region, ip_address=ip_address)
    return Enrolled(device=device, recovery_codes=codes)


def _recovery_codes_issue(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": _("恢复码")})
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User, ip_address: str | None = None) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    if not selectors.has_second_factor(user):
        raise Conflict(_("请先绑定手机验证器。"), code="no_second_factor")
    codes = _recovery_codes_issue(user)
    audit_record(actor=user, action="auth.recovery_codes_renewed", obj=user, region=user.region,
                 ip_address=ip_address)
    return codes


def _digits(token: str) -> bool:
    return bool(token) and token.isascii() and token.isdigit() and len(token) <= 8


def second_factor_verify(*, user: User, token: str, ip_address: str | None = None):
    """The device that accepts ``token``: the authenticator's code, a recovery code (used up) or the SMS code; None
    after a wrong one, audited. Each device counts its failures and waits longer after each (django-otp)."""
    token = (token or "").strip().replace(" ", "")
    candidates = [d for d in (selectors.totp_device(user), selectors.sms_device(user)) if d is not None]
    if _digits(token):
        for device in candidates:
            if device.verify_is_allowed()[0] and device.verify_token(token):
                return _verified(user, device, ip_address)
    elif token and len(token) <= 16:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None and device.verify_is_allowed()[0] and device.verify_token(token.lower()):
            return _verified(user, device, ip_address)
    audit_record(actor=None, action="auth.two_factor_failed", obj=user, region=user.region, ip_address=ip_address)
    return None


def _verified(user, device, ip_address):
    audit_record(actor=user, action="auth.two_factor_verified", obj=user, region=user.region,
                 changes={"device": type(device).__name__}, ip_address=ip_address)
    return device


@transaction.atomic
def sms_phone_set(*, user: User, phone: str, ip_address: str | None = None) -> SmsDevice:
    """The mobile the fallback code goes to; confirmed once a code sent to it comes back (sms_send, sms_confirm)."""
    normalized = personal_data.normalize_phone(phone)
    if not normalized or len(normalized) != 11:
        raise invalid("phone", _("请填写11位手机号码。"), "invalid_phone")
    SmsDevice.objects.filter(user=user, confirmed=False).delete()
    device = SmsDevice(user=user, name=_("短信验证"), confirmed=False)
    device.phone = normalized
    device.save()
    sms_send(user=user, device=device, ip_address=ip_address)
    return device


def sms_pending(*, user: User) -> bool:
    return SmsDevice.objects.filter(user=user, confirmed=False).exists()


def masked_phone(device: SmsDevice) -> str:
    return personal_data.mask_phone(device.phone)


def sms_send(*, user: User, device: SmsDevice | None = None, ip_address: str | None = None) -> None:
    """Send a one-time code to the person's mobile (the fallback), if the county allows it and a gateway is set."""
    if not selectors.security_rules(user).two_factor_sms or not settings.SMS_BACKEND:
        raise NotPermitted(_("本县未启用短信验证码。"), code="sms_disabled")
    device = device or selectors.sms_device(user)
    if device is None:
        raise Conflict(_("尚未登记接收验证码的手机。"), code="no_sms_device")
    if not device.verify_is_allowed()[0]:
        raise Conflict(_("验证码错误次数过多，请稍后再试。"), code="throttled")
    sent_at = device.valid_until - timedelta(seconds=SMS_CODE_SECONDS) if device.token else None
    if sent_at is not None and timezone.now() < sent_at + timedelta(seconds=SMS_RESEND_SECONDS):
        raise Conflict(_("验证码已发送，请%(n)s秒后再试。") % {"n": SMS_RESEND_SECONDS}, code="sms_too_soon")
    device.generate_token(valid_secs=SMS_CODE_SECONDS)
    sms.send_sms(device.phone, _("信访通登录验证码：%(code)s，%(min)s分钟内有效。请勿告诉他人。") % {
        "code": device.token, "min": SMS_CODE_SECONDS // 60})
    audit_record(actor=user, action="auth.sms_code_sent", obj=user, region=user.region, ip_address=ip_address)


@transaction.atomic
def sms_confirm(*, user: User, token: str, ip_address: str | None = None) -> SmsDevice:
    device = SmsDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise Conflict(_("请先填写手机号码并获取验证码。"), code="no_pending_device")
    if not _digits(token) or not device.verify_token(token):
        raise invalid("token", _("验证码不正确或已过期。"), "invalid_token")
    SmsDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="auth.sms_enrolled", obj=user, region=user.region, ip_address=ip_address)
    return device


@transaction.atomic
def second_factor_reset(*, actor: User, user: User, ip_address: str | None = None) -> None:
    """A security administrator clears a person's second factor (a lost phone): at the next login they enrol again."""
    if not actor.has_perm("accounts.manage_security"):
        raise NotPermitted()
    for model in (TOTPDevice, StaticDevice, SmsDevice):
        model.objects.filter(user=user).delete()
    audit_record(actor=actor, action="auth.two_factor_reset", obj=user, region=user.region, ip_address=ip_address)


# API tokens ----------------------------------------------------------------------------------------------

def api_client_issue(*, actor: User, days: int, **fields) -> IssuedApiClient:
    """An API client whose token lasts ``days`` (at most the county's longest)."""
    most = selectors.security_rules(actor).api_token_max_days
    if not isinstance(days, int) or not 1 <= days <= most:
        raise invalid("days", _("令牌有效期应为1至%(n)s天。") % {"n": most}, "invalid_expiry")
    return api_client_create(actor=actor, expires_at=timezone.now() + timedelta(days=days), **fields)
