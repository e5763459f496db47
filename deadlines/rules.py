"""The deadlines' county settings, versioned through xinfang.rules:

- the deadline rules (时限规则, group ``deadlines``): a list of rule sets, each saying which cases it governs
  (channels, sources, categories; empty means all) with its milestones — the 3/7/21 rule, the statutory limits,
  the return visit, the backlog measures — and their card thresholds. A case runs for its whole life under the
  rule set that governed it when it was registered: the rule set as that version had it, compiled once into the
  RuleSet and Milestone rows its clocks point to (services.rule_set_compiled);
- when notifications are e-mailed (group ``notifications``: on the county's own working days, between hours).
"""

import hashlib
import json

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import Channel, UpperSource
from cases.rules import category_options
from xinfang.rules.registry import BOOL, CHOICE, CHOICES, KEY, RECORDS, TEXT, Field, Group, register

from .choices import AppliesTo, ClockEvent, DayKind, Party

E = ClockEvent
MEASURE = "measure"  # the milestone code of backlog measures
DEFAULT_LINEAGE = 1  # the county's default rule set: it governs whatever no other rule set governs

# The rule set a county starts with (信访工作条例 2022 and the 3/7/21 rule for first petitions). Its admin edits it
# in the product; these are only the starting values.
DEFAULT_RULE_SET_NAME = _("信访工作条例（默认）")
DEFAULT_MILESTONES = [
    # code, name, start, end, days, kind, applies_to, party, extendable, restart_on_reassign
    ("decide", _("决定是否受理"), E.RECEIVED, E.DECIDED, 15, DayKind.CALENDAR, AppliesTo.ALL, Party.OFFICE,
     False, False),
    ("meet", _("3日内见面"), E.ASSIGNED, E.MET, 3, DayKind.CALENDAR, AppliesTo.FIRST, Party.LEAD, False, True),
    ("feedback", _("7日内反馈"), E.ASSIGNED, E.FEEDBACK, 7, DayKind.CALENDAR, AppliesTo.FIRST, Party.LEAD,
     False, True),
    ("close21", _("21日内办结"), E.ASSIGNED, E.REPLIED, 21, DayKind.CALENDAR, AppliesTo.FIRST, Party.LEAD,
     True, True),
    ("handle", _("60日内办结"), E.ACCEPTED, E.REPLIED, 60, DayKind.CALENDAR, AppliesTo.ALL, Party.LEAD,
     True, False),
    ("assist", _("协办意见报送"), E.ASSIGNED, E.ASSIST_REPORTED, 10, DayKind.CALENDAR, AppliesTo.ALL,
     Party.ASSIST, False, True),
    ("return_visit", _("答复后回访"), E.REPLIED, E.EVALUATED, 10, DayKind.CALENDAR, AppliesTo.ALL,
     Party.OFFICE, False, False),
    ("review", _("复查"), E.REVIEW_REQUESTED, E.APPEAL_DECIDED, 30, DayKind.CALENDAR, AppliesTo.ALL,
     Party.OFFICE, False, False),
    ("re_review", _("复核"), E.RE_REVIEW_REQUESTED, E.APPEAL_DECIDED, 30, DayKind.CALENDAR,
     AppliesTo.ALL, Party.OFFICE, False, False),
    # A backlog dossier's measure (三定: owner, action, deadline): each clock is granted its own days
    # (Deadline.granted_days); the milestone holds the card thresholds. Started only by clock_start_granted.
    (MEASURE, _("化解措施"), E.MEASURE_SET, E.MEASURE_DONE, 30, DayKind.CALENDAR, AppliesTo.ALL,
     Party.OWN, False, False),
]


def default_milestone(code: str) -> dict:
    """One of the statutory milestones as a record, named in the site's language (it is county data)."""
    i, spec = next((i, m) for i, m in enumerate(DEFAULT_MILESTONES) if m[0] == code)
    _code, name, start, end, days, kind, applies, party, extendable, restart = spec
    with translation.override(settings.LANGUAGE_CODE):
        return {"code": code, "name": str(name), "start_event": start.value, "end_event": end.value, "days": days,
                "day_kind": kind.value, "applies_to": applies.value, "party": party.value, "extendable": extendable,
                "restart_on_reassign": restart, "warn_days": 1, "warn_percent": None, "second_red": False,
                "is_active": True, "sort_order": i * 10}


def default_milestones() -> list[dict]:
    return [default_milestone(m[0]) for m in DEFAULT_MILESTONES]


def default_rule_sets() -> list[dict]:
    with translation.override(settings.LANGUAGE_CODE):
        name = str(DEFAULT_RULE_SET_NAME)
    return [{KEY: DEFAULT_LINEAGE, "name": name, "priority": 1000, "channels": [], "upper_sources": [],
             "categories": [], "escalate_after_days": 3, "milestones": default_milestones()}]


def record_digest(record: dict) -> str:
    """What a rule set says, as a fingerprint: the rows compiled from one rule set's record are found by it, so a
    version that leaves a rule set as it was keeps its rows (and a change gives new ones)."""
    body = json.dumps({k: v for k, v in record.items() if k != KEY}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _options(choices):
    return lambda county_id: [(str(value), label) for value, label in choices]


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or "—"))


def _milestone_summary(m: dict) -> str:
    """交办 → 见面 · 3 自然日 · 首次信访 · 牵头单位 · 黄牌提前1个工作日 (· 可延期 · 严重超期红牌 · 停用)."""
    parts = [f"{_label(ClockEvent.choices, m['start_event'])} → {_label(ClockEvent.choices, m['end_event'])}",
             f"{m['days']} {_label(DayKind.choices, m['day_kind'])}", _label(AppliesTo.choices, m["applies_to"]),
             _label(Party.choices, m["party"]),
             _("黄牌：已用%(n)s%%") % {"n": m["warn_percent"]} if m.get("warn_percent")
             else _("黄牌提前%(n)s个工作日") % {"n": m["warn_days"]}]
    parts += [str(label) for flag, label in (("extendable", _("可延期")), ("second_red", _("严重超期红牌")))
              if m.get(flag)]
    if not m.get("is_active", True):
        parts.append(str(_("停用")))
    return " · ".join(parts)


def _rule_set_summary(r: dict) -> str:
    """优先级 10 · 适用：领导接访 · 9个节点 · 红牌3个工作日未办理升级督办."""
    scope = [_label(Channel.choices, c) for c in r["channels"]] + [
        _label(UpperSource.choices, s) for s in r["upper_sources"]]
    if r["categories"]:
        scope.append(_("%(n)s个类别") % {"n": len(r["categories"])})
    active = sum(1 for m in r["milestones"] if m.get("is_active", True))
    return " · ".join([
        _("优先级 %(n)s") % {"n": r["priority"]},
        _("适用：%(scope)s") % {"scope": "、".join(scope)} if scope else str(_("适用：其他规则都不适用的事项"))
        if r.get(KEY) == DEFAULT_LINEAGE else str(_("适用：全部")),
        _("%(n)s个节点启用") % {"n": active},
        _("红牌%(n)s个工作日未办理升级督办") % {"n": r["escalate_after_days"]}])


def _milestone_check(record: dict) -> dict:
    if record["start_event"] == record["end_event"]:
        return {"end_event": _("起算事件和完成事件不能相同。")}
    return {}


def _deadlines_check(values: dict) -> dict:
    if not any(r.get(KEY) == DEFAULT_LINEAGE for r in values["rule_sets"]):
        return {"rule_sets": _("默认规则（适用于其他规则都不适用的事项）不能删除。")}
    return {}


MILESTONE = Field(
    "milestones", _("时限节点"), default_milestones, kind=RECORDS, key_field="code", max_items=40,
    row_check=_milestone_check, summary=_milestone_summary,
    help=_("每个节点从起算事件开始计时，到完成事件为止；到期前亮黄牌，超期亮红牌。"), row=(
        Field("code", _("节点代码"), "", kind=TEXT, max=30,
              help=_("小写字母、数字和下划线，如 meet；新增后不能修改。")),
        Field("name", _("节点名称"), "", kind=TEXT, max=40),
        Field("start_event", _("起算事件"), E.ASSIGNED.value, kind=CHOICE, choices=_options(ClockEvent.choices)),
        Field("end_event", _("完成事件"), E.REPLIED.value, kind=CHOICE, choices=_options(ClockEvent.choices)),
        Field("days", _("时限"), 15, min=1, max=365, unit=pgettext_lazy("unit", "天")),
        Field("day_kind", _("计算方式"), DayKind.CALENDAR.value, kind=CHOICE, choices=_options(DayKind.choices)),
        Field("applies_to", _("适用范围"), AppliesTo.ALL.value, kind=CHOICE, choices=_options(AppliesTo.choices)),
        Field("party", _("责任方"), Party.LEAD.value, kind=CHOICE, choices=_options(Party.choices)),
        Field("extendable", _("可延期"), False, kind=BOOL, help=_("批准延期后顺延。")),
        Field("restart_on_reassign", _("重新交办后重新计时"), True, kind=BOOL),
        Field("warn_days", _("黄牌提前"), 1, min=0, max=30, unit=pgettext_lazy("unit", "个工作日")),
        Field("warn_percent", _("黄牌：已用时限比例"), None, min=1, max=99, unit="%", required=False,
              help=_("填写后按已用时限比例亮黄牌（如 80），代替提前工作日数。")),
        Field("second_red", _("严重超期红牌"), False, kind=BOOL, help=_("超期再超过一个时限的，亮第二级红牌。")),
        Field("is_active", _("启用"), True, kind=BOOL),
        Field("sort_order", _("排序"), 0, min=0, max=10000),
    ))

DEADLINE_RULES = register(Group(
    key="deadlines", label=_("时限规则"), order=15, owner="deadlines", check=_deadlines_check,
    view_permission="deadlines.view_ruleset", extra={"aside": "deadlines/_counting.html"},
    help=_("事项登记时按优先级找到第一条适用的规则，此后一直按登记时的版本计时；修改只影响此后登记的事项。"
           "化解措施的时限另按所在规则的现行版本。"),
    fields=(
        Field("rule_sets", _("时限规则"), default_rule_sets, kind=RECORDS, max_items=50, summary=_rule_set_summary,
              row=(
            Field("name", _("规则名称"), "", kind=TEXT, max=60),
            Field("priority", _("优先级"), 100, min=1, max=1000, help=_("数字小的先匹配；都不匹配时用默认规则。")),
            Field("channels", _("适用信访形式"), [], kind=CHOICES, choices=_options(Channel.choices),
                  help=_("不选为全部。")),
            Field("upper_sources", _("适用交办来源"), [], kind=CHOICES, choices=_options(UpperSource.choices),
                  help=_("不选为全部。")),
            Field("categories", _("适用类别"), [], kind=CHOICES, choices=category_options,
                  help=_("不选为全部；选大类也适用其下各小类。")),
            Field("escalate_after_days", _("红牌升级"), 3, min=1, max=60, unit=pgettext_lazy("unit", "个工作日"),
                  help=_("红牌超过这么多个工作日仍未办理的，提请上一级领导督办。")),
            MILESTONE,
        )),
    ),
))


def _check(values: dict) -> dict:
    if values["notify_from_hour"] >= values["notify_until_hour"]:
        return {"notify_until_hour": _("提醒截止时刻应晚于起始时刻。")}
    return {}


NOTIFY_RULES = register(Group(
    key="notifications", label=_("提醒发送时段"), order=40, owner="deadlines", check=_check,
    help=_("邮件提醒只在本县工作日历的工作日、以下时段内发送，不在深夜或节假日打扰。"),
    fields=(
        Field("notify_from_hour", _("起始时刻"), 8, min=0, max=23, unit=pgettext_lazy("unit", "时")),
        Field("notify_until_hour", _("截止时刻"), 18, min=1, max=24, unit=pgettext_lazy("unit", "时")),
    ),
))
