from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    """Backlog dossiers (一案一策一专班): owners, task force, plan and measures, reviews, 提级会审, sign-off, 销号,
    relapses, and the 揭榜挂帅 board."""

    name = "dossiers"
    verbose_name = _("信访积案")

    def ready(self):
        # Registers the app's group of county settings (xinfang.rules) before any page lists the groups; here, in
        # ready(), because the module reads the app's choices, which need the app registry.
        from . import rules  # noqa: F401
