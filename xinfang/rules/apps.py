from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    """County settings, versioned (one mechanism for every app's settings)."""

    name = "xinfang.rules"
    label = "rules"
    verbose_name = _("县级规则")
    default_auto_field = "django.db.models.BigAutoField"
