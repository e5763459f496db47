"""Reads of account security: the password and login rules that govern a person, and what their login asks."""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.rules.registry import group
from xinfang.rules.selectors import Rules, rules_for

from .models import PasswordHistory, SmsDevice, UserSession

KEY = "security"


def security_rules(user) -> Rules:
    """The rules of the person's county (their unit's); the defaults for an account of no county (the installer)."""
    if user is not None and getattr(user, "unit_id", None):
        return rules_for(user.unit.region, KEY)
    g = group(KEY)
    return Rules(g, g.defaults())


def two_factor_required(user, rules: Rules) -> bool:
    """A person holding any of the roles the county names signs in with two factors; an API client never (it holds a
    token, not a password)."""
    if user.is_service_account:
        return False
    return bool(user.role_codes() & set(rules.two_factor_roles))


def password_reused(user, password: str, last: int) -> bool:
    """Whether ``password`` is the current one or one of the ``last`` before it."""
    if last <= 0:
        return False
    if user.pk and user.has_usable_password() and user.check_password(password):
        return True
    hashes = PasswordHistory.objects.filter(user=user).order_by("-at", "-id").values_list("password", flat=True)
    return any(check_password(password, h) for h in hashes[:last]) if user.pk else False


def sms_available(rules: Rules) -> bool:
    """The SMS fallback: the county allows it and the installation has a gateway."""
    return bool(rules.two_factor_sms and settings.SMS_BACKEND)


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def sms_device(user) -> SmsDevice | None:
    return SmsDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


def has_second_factor(user) -> bool:
    """A TOTP authenticator confirmed (recovery codes and SMS are fallbacks beside it)."""
    return totp_device(user) is not None


def sessions_of(user):
    return UserSession.objects.filter(user=user).order_by("-started_at")
