from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """The office's edges: events to the systems that subscribe to them, messages sent once."""

    name = "xinfang.exchange"
    label = "exchange"
    verbose_name = _("数据交换")
