"""The visits' county settings, versioned through xinfang.rules (the return visit's own time limit is the 答复后回访
milestone of the county's deadline rules)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.rules.registry import Field, Group, register


def _check(values: dict) -> dict:
    # The night runs from an evening hour past midnight to a morning hour: from 0 on, or a start before the end,
    # every visit would be a night visit.
    if values["night_from_hour"] <= values["night_until_hour"]:
        return {"night_from_hour": _("夜访起始时刻应晚于次日截止时刻（如18时至次日6时）。")}
    return {}


VISIT_RULES = register(Group(
    key="visits", label=_("接访走访规则"), order=20, owner="visits", check=_check,
    help=_("夜访时段决定登记时是否计为夜访（按走访当天的规则）；回访期限见时限规则中的“答复后回访”节点。"),
    fields=(
        Field("night_from_hour", _("夜访起始时刻"), 18, min=0, max=23, unit=pgettext_lazy("unit", "时"),
              help=_("在此时刻（含）之后开始的走访计为夜访。")),
        Field("night_until_hour", _("夜访截止时刻"), 6, min=0, max=12, unit=pgettext_lazy("unit", "时"),
              help=_("次日此时刻之前开始的走访也计为夜访。")),
        Field("backlog_after_months", _("不满意转积案"), 3, min=1, max=36, unit=pgettext_lazy("unit", "个月"),
              help=_("首次回访不满意后满此月数仍不满意的，转为信访积案。")),
        Field("answer_link_days", _("评价链接有效期"), 15, min=1, max=365, unit=pgettext_lazy("unit", "天"),
              help=_("短信或二维码评价链接的有效天数，只能使用一次。")),
        Field("schedule_horizon_weeks", _("接访日程生成周数"), 8, min=1, max=52, unit=pgettext_lazy("unit", "周"),
              help=_("按周期规则提前生成多少周的接访时段。")),
    ),
))
