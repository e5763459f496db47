"""The visits' county settings, versioned through xinfang.rules: the visits' rules (the return visit's own time limit
is the 答复后回访 milestone of the county's deadline rules) and the duty rules (工作制度), a list of records each
keeping its number through its versions, so a period is judged by the version then in force."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.org.choices import RegionLevel, Role
from xinfang.rules.registry import CHOICE, RECORDS, TEXT, Field, Group, register

from .choices import DutyActivity, MeetingKind, Period


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


def _duty_check(record: dict) -> dict:
    if record["meeting_kind"] and record["activity"] != DutyActivity.MEETING:
        return {"meeting_kind": _("只有“参加会议”可以指定会议类型。")}
    return {}


def _duty_summary(r: dict) -> str:
    """信访专员/网格员 · 每周至少2次 下访走访（次） · 周期结束前2天提醒."""
    role = str(dict(Role.choices).get(r["role"], r["role"]))
    if r.get("leader_level"):
        role += _("（%(level)s级）") % {"level": dict(RegionLevel.choices).get(int(r["leader_level"]), "")}
    activity = str(dict(DutyActivity.choices).get(r["activity"], r["activity"]))
    if r.get("meeting_kind"):
        activity += _("（%(kind)s）") % {"kind": dict(MeetingKind.choices).get(r["meeting_kind"], r["meeting_kind"])}
    return " · ".join([role, _("%(period)s至少%(n)s次") % {
        "period": dict(Period.choices).get(r["period"], r["period"]), "n": r["minimum"]}, activity,
        _("周期结束前%(n)s天提醒") % {"n": r["remind_days_before_end"]}])


def _options(choices):
    return lambda county_id: [(str(value), label) for value, label in choices]


DUTY_RULES = register(Group(
    key="duty", label=_("工作制度"), order=25, owner="visits", view_permission="visits.view_compliance",
    help=_("如“信访专员每周至少下访走访2次”：按周期统计每人完成情况，周期结束前提醒未达标的人员。"
           "每个周期按当时施行的版本考核。"),
    fields=(
        Field("rules", _("工作制度"), [], kind=RECORDS, max_items=100, row_check=_duty_check,
              summary=_duty_summary, row=(
            Field("name", _("制度名称"), "", kind=TEXT, max=100),
            Field("role", _("适用角色"), Role.FIELD_CADRE.value, kind=CHOICE, choices=_options(Role.choices)),
            Field("leader_level", _("适用领导层级"), None, kind=CHOICE, required=False,
                  choices=_options(RegionLevel.choices), help=_("只考核这一层级的领导；不选为该角色的全部人员。")),
            Field("activity", _("考核内容"), DutyActivity.FIELD_VISIT.value, kind=CHOICE,
                  choices=_options(DutyActivity.choices)),
            Field("meeting_kind", _("会议类型"), "", kind=CHOICE, required=False,
                  choices=_options(MeetingKind.choices), help=_("考核“参加会议”时可限定会议类型。")),
            Field("period", _("考核周期"), Period.WEEK.value, kind=CHOICE, choices=_options(Period.choices)),
            Field("minimum", _("最少次数"), 1, min=1, max=999, unit=pgettext_lazy("unit", "次")),
            Field("remind_days_before_end", _("提前提醒"), 2, min=0, max=31, unit=pgettext_lazy("unit", "天"),
                  help=_("周期结束前几天提醒未达标的人员。")),
        )),
    ),
))
