from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """The organisation: regions in five levels, units, users and roles, jurisdiction, API clients."""

    name = "xinfang.org"
    label = "org"
    verbose_name = _("组织机构")
    default_auto_field = "django.db.models.BigAutoField"
