"""What signing in keeps: the passwords a person had (so none comes back too soon), the sessions a person holds (so
a county can allow one at a time), and the SMS device of the second factor's fallback (TOTP and recovery codes are
django-otp's own devices)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_otp.models import SideChannelDevice, ThrottlingMixin

from xinfang import personal_data


class SecurityPolicy(models.Model):
    """No rows: the holder of ``manage_security`` keeps the county's password and login rules (三员分立)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("manage_security", _("可修改密码与登录规则"))]


class PasswordHistory(models.Model):
    """A password a person had, as its hash (the county's "no reuse of the last N")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        indexes = [models.Index(fields=["user", "-at"], name="accounts_pwhist_user_at")]


class UserSession(models.Model):
    """A signed-in session of a person: where it came from, and its key, so that another login can end it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(db_default=Now())
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        indexes = [models.Index(fields=["user", "-started_at"], name="accounts_session_user")]


class SmsDevice(ThrottlingMixin, SideChannelDevice):
    """The second factor's fallback: a code sent by SMS through the county's gateway (xinfang.sms) to the person's
    mobile, kept encrypted like every phone number."""

    phone_encrypted = models.TextField()

    class Meta(SideChannelDevice.Meta):
        verbose_name = _("短信验证")
        verbose_name_plural = _("短信验证")

    @property
    def phone(self) -> str:
        return personal_data.decrypt(self.phone_encrypted)

    @phone.setter
    def phone(self, value: str) -> None:
        self.phone_encrypted = personal_data.encrypt(value)

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        verified = super().verify_token(token)
        if verified:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return verified
