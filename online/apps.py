from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlineConfig(AppConfig):
    name = "online"
    verbose_name = _("网上信访")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The app's group of county settings (xinfang.rules), registered once the app registry is ready.
        from . import rules  # noqa: F401
