"""Reads of the deadlines app. Every queryset starts from ``scoped``; aggregates are single GROUP BY queries."""

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from xinfang.clocks import clock_state
from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region
from xinfang.org.scoping import scoped

from .choices import CardColour, NotificationKind
from .models import Card, Deadline, Notification, RuleSet, Supervision, Suspension


def deadline_state(deadline: Deadline, today: date | None = None) -> str:
    """A clock's state now, from its stored dates alone (what the sweep will conclude, without waiting for it):
    met / met_late / stopped / suspended / red2 / red / yellow / running (the card rule, xinfang.clocks)."""
    return clock_state(deadline, today or timezone.localdate())


STATE_LABELS = {  # lazy: rendered in the reader's language
    "met": gettext_lazy("按时完成"), "met_late": gettext_lazy("超期完成"), "stopped": gettext_lazy("已终止"),
    "suspended": gettext_lazy("中止计时"), "red2": gettext_lazy("严重超期"), "red": gettext_lazy("已超期"),
    "yellow": gettext_lazy("即将到期"), "running": gettext_lazy("计时中"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS[state])


def card_list(*, user):
    """Cards on cases the user may see, with what a row shows."""
    return scoped(Card.objects.select_related("case", "deadline__milestone", "unit", "leader"), user)


def current_cards(*, user):
    return card_list(user=user).filter(cleared_at__isnull=True)


def overdue_board(*, user) -> dict:
    """Current cards counted by responsible unit and by township (two GROUP BY queries)."""
    cards = current_cards(user=user).order_by()
    colour_counts = {f"n_{c}": Count("id", filter=Q(colour=c)) for c in CardColour.values}
    by_unit = list(cards.values("unit_id", "unit__name").annotate(**colour_counts, total=Count("id"))
                   .order_by("-n_red2", "-n_red", "-n_yellow", "unit__name"))
    # The township of the matter: the region path's township prefix (regions are five levels deep).
    by_region = list(cards.values("case__region__path").annotate(**colour_counts, total=Count("id")))
    townships: dict[str, dict] = {}
    for row in by_region:
        parts = row["case__region__path"].strip("/").split("/")
        code = parts[RegionLevel.TOWNSHIP - 1] if len(parts) >= RegionLevel.TOWNSHIP else parts[-1]
        bucket = townships.setdefault(code, {"code": code, **{k: 0 for k in colour_counts}, "total": 0})
        for key in (*colour_counts, "total"):
            bucket[key] += row[key]
    names = dict(Region.objects.filter(code__in=townships).values_list("code", "name"))
    regions = sorted(({**v, "name": names.get(code, code)} for code, v in townships.items()),
                     key=lambda r: (-r["n_red2"], -r["n_red"], -r["n_yellow"], r["name"]))
    totals = cards.aggregate(**colour_counts, total=Count("id"))
    return {"by_unit": by_unit, "by_region": regions, "totals": totals}


def rule_set_list(*, user):
    return scoped(RuleSet.objects.all(), user).prefetch_related("milestones", "categories")


def supervision_list(*, user):
    return scoped(Supervision.objects.select_related("case", "unit", "issued_by", "acknowledged_by",
                                                     "responded_by"), user)


def suspension_list(*, user):
    """Suspensions on cases the user may see (the API's list; ``case`` loaded for the services)."""
    return scoped(Suspension.objects.select_related("case"), user)


def unconfirmed_deadlines(*, county_id: int) -> int:
    """Running clocks whose dates rest on a year nobody has entered (weekends only): the admin must enter it."""
    return Deadline.objects.filter(case__county_id=county_id, calendar_unconfirmed=True, met_at__isnull=True,
                                   stopped_at__isnull=True).count()


def unconfirmed_deadline_years(*, county_id: int) -> dict[int, int]:
    """The running clocks flagged 'calendar unconfirmed', counted by the year of their due date (one query, the
    partial index deadlines_unconfirmed): the calendar page names each year the admin must settle, and how many clocks
    wait on it (a year the package has learnt since the clocks were counted included)."""
    rows = (Deadline.objects.filter(case__county_id=county_id, calendar_unconfirmed=True, met_at__isnull=True,
                                    stopped_at__isnull=True)
            .values_list("due_on__year").annotate(n=Count("id")).order_by())
    return dict(rows)


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(*, user):
    return Notification.objects.filter(user=user).select_related(
        "case", "card__deadline__milestone", "card__unit", "supervision")


def notification_text(n: Notification) -> str:
    """A notification in the reader's language, rendered now from what it points at."""
    if n.kind == NotificationKind.CARD and n.card_id:
        card = n.card
        return _("%(case)s “%(milestone)s” %(colour)s（%(unit)s，到期日 %(due)s）") % {
            "case": n.case.number if n.case_id else "", "milestone": card.deadline.milestone.name,
            "colour": card.get_colour_display(), "unit": card.unit.name if card.unit_id else "-",
            "due": card.deadline.due_on.isoformat()}
    if n.kind == NotificationKind.LEADER:
        return _("%(day)s 您负责的事项有新的红黄牌，请督促办理。") % {"day": n.key.rsplit(":", 1)[-1]}
    if n.kind == NotificationKind.ESCALATION:
        return _("%(day)s 有红牌逾期未办，提请您督办。") % {"day": n.key.rsplit(":", 1)[-1]}
    if n.kind == NotificationKind.SUPERVISION and n.supervision_id:
        s = n.supervision
        return _("%(kind)s %(number)s：%(case)s，请于 %(day)s 前回复") % {
            "kind": s.get_kind_display(), "number": s.number, "case": n.case.number if n.case_id else "",
            "day": s.respond_by.isoformat()}
    if n.kind == NotificationKind.DIGEST:
        d = n.data
        return _("%(day)s 本单位红黄牌：严重超期 %(red2)s，红牌 %(red)s，黄牌 %(yellow)s") % {
            "day": d.get("day", ""), "red2": d.get("red2", 0), "red": d.get("red", 0), "yellow": d.get("yellow", 0)}
    if n.kind == NotificationKind.DUTY:
        d = n.data
        return _("“%(rule)s”：%(start)s 至 %(end)s 已完成 %(done)s 次，要求至少 %(minimum)s 次。") % {
            "rule": d.get("rule", ""), "start": d.get("start", ""), "end": d.get("end", ""),
            "done": d.get("done", 0), "minimum": d.get("minimum", 0)}
    return n.get_kind_display()


def notification_url(n: Notification) -> str:
    """Where a notification leads: its case, or the cards behind a leader's daily notice."""
    if n.case_id:
        return reverse("cases:detail", args=[n.case_id])
    if n.kind == NotificationKind.LEADER:
        return reverse("deadlines:cards") + f"?leader={n.user_id}"
    if n.kind == NotificationKind.ESCALATION:
        return reverse("deadlines:cards") + "?escalated=true&colour=red&colour=red2"
    if n.kind == NotificationKind.DIGEST:
        return reverse("deadlines:cards")
    if n.kind == NotificationKind.DUTY:
        return reverse("visits:compliance") + f"?day={n.data.get('start', '')}"
    return ""


def case_clock_summary(case: Case, today: date | None = None) -> list[dict]:
    """The case page's clocks: each with its state, from the prefetched deadlines."""
    today = today or timezone.localdate()
    return [{"deadline": d, "state": deadline_state(d, today), "state_label": state_label(deadline_state(d, today))}
            for d in case.deadlines.all()]
