"""The dashboards' measures: named sets of cases, and the KPIs as ratios of two sets.

One definition serves three readers, so a figure can always be checked against the cases behind it:
- the monthly rollups count each set (services.rollup_refresh: ``Count("id", filter=set.q(today))``);
- the case list filters by a set (``?measure=<code>``, cases.filtersets.CaseFilterSet) for every drill-down;
- scoring's petition index reads the same first-petition and satisfaction sets.

Every KPI is over the cases *received* in the period (their local receipt date), in the chosen jurisdiction.
docs/dashboards.md spells each one out for people; the ``definition`` strings below are its tooltips.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseStatus, Channel, Satisfaction
from cases.models import Appeal
from deadlines.choices import ClockEvent
from deadlines.models import Deadline
from xinfang.clocks import state_q

# Cases outside the petition procedure: refused, forwarded to the competent body, or diverted to the courts.
NOT_HANDLED = [CaseStatus.NOT_ACCEPTED, CaseStatus.FORWARDED, CaseStatus.DIVERTED]
SATISFIED = [Satisfaction.SATISFIED, Satisfaction.BASIC]
# 化解: closed with the petitioner satisfied or basically satisfied at the return visit.
RESOLVED = Q(status=CaseStatus.CLOSED, satisfaction__in=SATISFIED)
HANDLED = ~Q(status__in=NOT_HANDLED)
FIRST = Q(is_repeat=False)


def _clocks(end_event: str, **conditions) -> Exists:
    """The case has a clock (of any milestone ending at ``end_event``) meeting ``conditions``."""
    return Exists(Deadline.objects.filter(case=OuterRef("pk"), milestone__end_event=end_event, **conditions))


def _overdue(end_event: str, today: date) -> Exists:
    """A clock ending at ``end_event`` with a red card today (past its due date, running, not suspended: the card
    rule, xinfang.clocks)."""
    return Exists(Deadline.objects.filter(state_q(("red2", "red"), today), case=OuterRef("pk"),
                                          milestone__end_event=end_event))


def _due(end_event: str, today: date) -> Q:
    """The time for ``end_event`` has come: a clock for it was met (on time or late), or one is overdue now."""
    return Q(_clocks(end_event, met_at__isnull=False)) | Q(_overdue(end_event, today))


def _on_time(end_event: str, today: date) -> Q:
    """Every clock for ``end_event`` met on time: at least one met, none met late, none overdue now."""
    return (Q(_clocks(end_event, met_at__isnull=False, met_late=False)) & ~Q(_clocks(end_event, met_late=True))
            & ~Q(_overdue(end_event, today)))


@dataclass(frozen=True)
class CaseSet:
    """A named set of cases: ``q(today)`` is its condition on Case (today matters only for "overdue")."""

    code: str
    label: str
    q: Callable[[date], Q]


SETS: dict[str, CaseSet] = {s.code: s for s in [
    CaseSet("received", _("收到的信访事项"), lambda today: Q()),
    CaseSet("first", _("初信初访"), lambda today: FIRST),
    CaseSet("repeat", _("重复信访"), lambda today: Q(is_repeat=True)),
    CaseSet("collective", _("集体访"), lambda today: Q(is_collective=True)),
    CaseSet("skip_level", _("越级访"), lambda today: Q(is_skip_level=True)),
    CaseSet("to_province", _("赴省访"), lambda today: Q(is_to_province=True)),
    CaseSet("to_beijing", _("进京访"), lambda today: Q(is_to_beijing=True)),
    CaseSet("decision_due", _("应受理（已作出受理决定或已超期）"), lambda today: _due(ClockEvent.DECIDED, today)),
    CaseSet("decided_on_time", _("按时作出受理决定"), lambda today: _on_time(ClockEvent.DECIDED, today)),
    CaseSet("reply_due", _("应办结（已答复或已超期）"), lambda today: _due(ClockEvent.REPLIED, today)),
    CaseSet("replied_on_time", _("按期办结"), lambda today: _on_time(ClockEvent.REPLIED, today)),
    CaseSet("handled", _("应化解（进入信访程序）"), lambda today: HANDLED),
    CaseSet("resolved", _("已化解"), lambda today: RESOLVED),
    CaseSet("resolved_first_time", _("一次性化解"),
            lambda today: RESOLVED & Q(rehandle_count=0) & ~Q(Exists(Appeal.objects.filter(case=OuterRef("pk"))))),
    CaseSet("evaluated", _("已回访评价"), lambda today: ~Q(satisfaction="")),
    CaseSet("satisfied", _("满意和基本满意"), lambda today: Q(satisfaction__in=SATISFIED)),
    CaseSet("first_handled", _("应化解的初信初访"), lambda today: FIRST & HANDLED),
    CaseSet("first_resolved", _("已化解的初信初访"), lambda today: FIRST & RESOLVED),
]}


@dataclass(frozen=True)
class Kpi:
    """A rate: cases in ``numerator`` per 100 cases in ``denominator`` (both set codes), with its definition."""

    code: str
    label: str
    numerator: str
    denominator: str
    definition: str
    higher_is_better: bool = True
    channels: tuple = ()  # also shown for each of these channels


KPIS: list[Kpi] = [
    Kpi("timely_acceptance", _("及时受理率"), "decided_on_time", "decision_due",
        _("按时作出受理决定的件数 ÷ 应受理件数。应受理：收到后已作出受理、不予受理、转送或导入法律程序决定的，"
          "以及“决定是否受理”时限已过仍未决定的（中止计时的不计）。按期：所有“决定是否受理”时限都在到期日前完成。")),
    Kpi("closed_on_time", _("按期办结率"), "replied_on_time", "reply_due",
        _("按期办结件数 ÷ 应办结件数。应办结：承办单位已答复的，以及办结时限（以答复为完成事件的时限，如21日、"
          "60日）已过仍未答复的。按期：所有办结时限都在到期日前完成，没有超期完成或正在超期的。")),
    Kpi("resolution", _("化解率"), "resolved", "handled",
        _("已化解件数 ÷ 应化解件数。应化解：进入信访程序的事项（不含不予受理、转送和导入法律程序的）。"
          "已化解：已办结，且回访满意或基本满意。")),
    Kpi("satisfaction", _("群众满意率"), "satisfied", "evaluated",
        _("回访满意和基本满意的件数 ÷ 已回访评价的件数，以最近一次回访结果为准。")),
    Kpi("first_time_resolution", _("一次性化解率"), "resolved_first_time", "handled",
        _("一次性化解件数 ÷ 应化解件数。一次性化解：已化解，且没有因不满意重新办理，也没有申请复查、复核。")),
    Kpi("first_resolution", _("初信初访化解率"), "first_resolved", "first_handled",
        _("已化解的初信初访件数 ÷ 应化解的初信初访件数（未标记为重复信访的事项）。另按来信、来访、网上信访分列。"),
        channels=(Channel.LETTER, Channel.VISIT, Channel.ONLINE)),
    Kpi("repeat_rate", _("重复信访率"), "repeat", "received",
        _("重复信访件数 ÷ 收到的信访事项件数。重复信访：登记时关联了同一信访人此前的信访事项。"),
        higher_is_better=False),
]
KPI_BY_CODE = {k.code: k for k in KPIS}

# The counts every rollup row holds, in this order (dashboards.models.CaseRollup has one column per set).
COUNTED = list(SETS)
MEASURE_CHOICES = [(s.code, s.label) for s in SETS.values()]


def set_condition(code: str, today: date) -> Q:
    """The condition on Case of the set ``code`` as of ``today`` (the case list's ``measure`` filter)."""
    return SETS[code].q(today)
