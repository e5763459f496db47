from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Points ledger, unit indicators, the petition index and five-colour rankings (later issues)."""

    name = "scoring"
    verbose_name = _("积分考核")
