from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    """Five-level reception schedules, receptions, field and return visits, duty rules (later issues)."""

    name = "visits"
    verbose_name = _("接访走访")
