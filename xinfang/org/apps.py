from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """The organisation: regions in five levels, units, users and roles, jurisdiction, API clients."""

    name = "xinfang.org"
    label = "org"
    verbose_name = _("组织机构")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The health check's boot time (selectors.BOOTED_AT) is the process's start, not its first request: a
        # WSGI server imports the views only when the first request comes, which may be long after boot. And the
        # receivers that put logins, logouts, failed logins and lockouts into the audit trail connect on import.
        from . import selectors, signals  # noqa: F401
