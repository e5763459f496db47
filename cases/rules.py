"""The case workflow's county settings, versioned through xinfang.rules (the deadlines are the deadline rule sets)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.rules.registry import Field, Group, register

CASE_RULES = register(Group(
    key="cases", label=_("信访事项办理规则"), order=10, owner="cases",
    help=_("退回、延期和集体访的县级规则；时限见“时限规则”。"),
    fields=(
        Field("return_window_days", _("退回时限"), 5, min=1, max=30, unit=pgettext_lazy("unit", "天"),
              help=_("承办单位认为交办有误时，可在交办后多少天内退回。")),
        Field("extension_max_days", _("延期最长天数"), 30, min=1, max=90, unit=pgettext_lazy("unit", "天"),
              help=_("一次延期最多可申请的天数。")),
        Field("max_extensions", _("可延期次数"), 1, min=0, max=5, unit=pgettext_lazy("unit", "次")),
        Field("collective_head_count", _("集体访人数"), 5, min=2, max=100, unit=pgettext_lazy("unit", "人"),
              help=_("来访人数达到此数的登记为集体访（按登记时的规则，已登记的事项不受修改影响）。")),
    ),
))
