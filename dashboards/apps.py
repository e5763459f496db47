from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Leader dashboards: the KPIs, counts and trends of a jurisdiction, read from monthly rollups."""

    name = "dashboards"
    verbose_name = _("领导驾驶舱")
