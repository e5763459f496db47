from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Leader dashboards: the KPIs, counts and trends of a jurisdiction, read from monthly rollups."""

    name = "dashboards"
    verbose_name = _("领导驾驶舱")

    def ready(self):
        # The rollups are a cache of the case figures: every change the cases app announces marks its bucket stale
        # (docs/architecture.md: the one signal between the apps). Imported here, in ready(), because models can
        # only be loaded once the app registry is.
        from cases.signals import case_changed, cases_changed

        from .services import rollup_touch, rollups_touch_cases

        case_changed.connect(lambda sender, case, **kw: rollup_touch(case), weak=False,
                             dispatch_uid="dashboards.rollup_touch")
        cases_changed.connect(lambda sender, case_ids, **kw: rollups_touch_cases(case_ids), weak=False,
                              dispatch_uid="dashboards.rollups_touch_cases")
