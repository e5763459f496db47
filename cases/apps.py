from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Intake, petitioners, the case workflow, deadlines and cards, dossiers (filled by later issues)."""

    name = "cases"
    verbose_name = _("信访事项")

    def ready(self):
        # Registers the app's group of county settings (xinfang.rules) before any page lists the groups; here, in
        # ready(), because the module reads the app's choices, which need the app registry.
        from . import rules  # noqa: F401
