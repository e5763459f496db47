from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in as 等保三级 asks: the county's password and login rules, two factors, sessions that end."""

    name = "xinfang.accounts"
    label = "accounts"
    verbose_name = _("账号安全")

    def ready(self):
        # The county's password and login rules (xinfang.rules) and the login signals: here, in ready(), because both
        # read models, which need the app registry.
        from . import rules, signals  # noqa: F401
