"""The backlog dossiers' county settings, versioned through xinfang.rules."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import UpperSource
from xinfang.rules.registry import CHOICES, Field, Group, register

BACKLOG_RULES = register(Group(
    key="backlog", label=_("信访积案规则"), order=30, owner="dossiers",
    fields=(
        Field("dual_owner_sources", _("须双包案的交办来源"), [], kind=CHOICES,
              choices=lambda county_id: UpperSource.choices,
              help=_("这些来源交办的积案须由两名领导包案（双包案），如市信联办交办。")),
        Field("claim_days", _("揭榜办结时限"), 90, min=1, max=365, unit=pgettext_lazy("unit", "天")),
        Field("claim_points", _("揭榜挂帅完成积分"), 10, min=0, max=1000, unit=pgettext_lazy("unit", "分")),
    ),
))
