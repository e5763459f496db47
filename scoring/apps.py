from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Points ledger, unit indicators, the petition index and five-colour rankings (later issues)."""

    name = "scoring"
    verbose_name = _("积分考核")

    def ready(self):
        # Registers the app's groups of county settings (xinfang.rules), and the form field of its colour bands,
        # before any page lists the groups; here, in ready(), because the modules read the app's choices and
        # models, which need the app registry.
        from . import forms, rules  # noqa: F401
