from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("时限与红黄牌")

    def ready(self):
        # Registers the app's group of county settings (xinfang.rules) before any page lists the groups; here, in
        # ready(), because the module reads the app's choices, which need the app registry.
        from . import rules  # noqa: F401
