from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Intake, petitioners, the case workflow, deadlines and cards, dossiers (filled by later issues)."""

    name = "cases"
    verbose_name = _("信访事项")
