"""Writes of the deadlines app: the rule sets compiled for the cases they govern, the clocks of each case,
suspensions, supervision documents, the card sweep and notifications.

The workflow layer calls ``clock_event`` / ``clock_stop`` / ``clock_extend`` in the transaction of each case step,
so a case's clocks always change together with the case. The sweep is set-based SQL: it never loops over cases.
"""

import logging
import math
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Assignment, Case, Category, TimelineEvent
from cases.services import is_lead_officer, timeline_event
from cases.signals import announce_cases_changed, case_changed
from xinfang.clocks import CARD_STATES, COUNTING_STATES, RUNNING_STATES, state_q, state_sql
from xinfang.dates import LATEST
from xinfang.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from xinfang.exchange.choices import EventType, MessageChannel, MessageState
from xinfang.exchange.models import Message
from xinfang.exchange.services import counties_wanting, events_emit_many, message_deliver, message_prepare
from xinfang.org.choices import RegionLevel, UnitKind
from xinfang.org.models import COUNTY_PATH_LENGTH, Region, Unit, User
from xinfang.org.scoping import scoped
from xinfang.rules.registry import KEY
from xinfang.rules.selectors import Rules, rules_for, rules_for_counties
from xinfang.workdays.calendar import WORKING, WorkCalendar
from xinfang.workdays.selectors import calendar_for

from .choices import (
    AppliesTo,
    CardColour,
    ClearReason,
    ClockEvent,
    DayKind,
    NotificationKind,
    Party,
    SupervisionKind,
    SuspensionStatus,
)
from .models import Card, Deadline, Milestone, Notification, RuleSet, Supervision, SupervisionCounter, Suspension
from .rules import DEADLINE_RULES, DEFAULT_LINEAGE, NOTIFY_RULES, default_milestone, record_digest
from .selectors import notification_text

E = ClockEvent


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise NotPermitted()


def _timeline(case: Case, actor: User | None, kind: str, message: str, changes: dict | None = None) -> None:
    timeline_event(case, actor, kind, message, changes)


# Rule sets ------------------------------------------------------------------------------------------------
# The county's rule sets are its settings (rules.DEADLINE_RULES, edited and versioned through xinfang.rules). A case
# binds the RuleSet row compiled from the record that governed it: rows are made once per distinct record (found
# again by its fingerprint), so the clocks' milestones never change under them.

def rule_set_compiled(county: Region, record: dict) -> RuleSet:
    """The RuleSet, with its milestones, compiled from one rule set's record: the one made before from the same
    record, or a new one (the lineage's next number)."""
    digest = record_digest(record)
    found = RuleSet.objects.filter(county=county, lineage=record[KEY], digest=digest).first()
    if found is not None:
        return found
    with transaction.atomic():
        Region.objects.select_for_update(no_key=True).filter(pk=county.pk).first()  # one compiler at a time
        found = RuleSet.objects.filter(county=county, lineage=record[KEY], digest=digest).first()
        if found is not None:
            return found
        version = (RuleSet.objects.filter(county=county, lineage=record[KEY]).order_by("-version")
                   .values_list("version", flat=True).first() or 0) + 1
        rule_set = RuleSet.objects.create(
            county=county, lineage=record[KEY], version=version, digest=digest, name=record["name"],
            priority=record["priority"], channels=record["channels"], upper_sources=record["upper_sources"],
            escalate_after_days=record["escalate_after_days"])
        rule_set.categories.set(Category.objects.filter(county=county, pk__in=[int(c) for c in record["categories"]]))
        Milestone.objects.bulk_create([Milestone(rule_set=rule_set, **m) for m in record["milestones"]])
    return rule_set


def _governs(record: dict, case: Case) -> bool:
    """Whether a rule set's record governs ``case`` (its channel, source and category or the category's parent)."""
    if record["channels"] and case.channel not in record["channels"]:
        return False
    if record["upper_sources"] and case.upper_source not in record["upper_sources"]:
        return False
    mine = set(record["categories"])
    return not mine or bool(mine & ({str(case.category_id), str(case.category.parent_id)} - {"None"}))


def _record_for(case: Case, rules) -> dict:
    """The record of the rule set that governs ``case`` under ``rules``: the first by priority whose conditions
    match, else the default rule set."""
    records = sorted(rules.rule_sets, key=lambda r: (r["priority"], r[KEY]))
    return next((r for r in records if _governs(r, case)),
                next(r for r in records if r[KEY] == DEFAULT_LINEAGE))


def default_rule_set(county: Region) -> RuleSet:
    """The county's default rule set as in force today (compiled the first time it is needed)."""
    rules = rules_for(county, DEADLINE_RULES.key)
    return rule_set_compiled(county, next(r for r in rules.rule_sets if r[KEY] == DEFAULT_LINEAGE))


def rule_set_for(case: Case) -> RuleSet:
    """The rule set that governs a new case under the county's deadline rules in force today."""
    return rule_set_compiled(case.county, _record_for(case, rules_for(case.county, DEADLINE_RULES.key)))


def rule_set_bind(case: Case) -> RuleSet:
    """A case was registered: it runs under the rule set that governs it now, for its whole life."""
    case.rule_set = rule_set_for(case)
    Case.objects.filter(pk=case.pk).update(rule_set=case.rule_set)
    return case.rule_set


# Clocks ---------------------------------------------------------------------------------------------------

def _local(at: datetime) -> date:
    return timezone.localtime(at).date()


def compute_dates(deadline: Deadline, milestone: Milestone, rule_set: RuleSet, cal: WorkCalendar) -> None:
    """Fill a clock's due, warn, second-red and escalation dates from its start and the days it is granted."""
    total = (deadline.granted_days or milestone.days) + deadline.extra_days + deadline.suspended_days
    # A clock granted its own days was given a date: they are calendar days, whatever the milestone counts in.
    kind = DayKind.CALENDAR if deadline.granted_days else milestone.day_kind
    due, unconfirmed = cal.due_date(deadline.started_on, total, kind)
    if milestone.warn_percent:
        # A share of the period, counted in the milestone's own kind of days (a working-day clock warns on a
        # working day).
        span = cal.days_between(deadline.started_on, due, kind)
        elapsed = math.ceil(span * milestone.warn_percent / 100)
        warn = min(due, cal.due_date(deadline.started_on, elapsed, kind)[0] if elapsed
                   else deadline.started_on)
    else:
        warn = cal.workdays_before(due, milestone.warn_days)
    deadline.due_on, deadline.warn_on = due, max(warn, deadline.started_on)
    deadline.red2_on = cal.due_date(due, milestone.days, kind)[0] if milestone.second_red else None
    deadline.escalate_on = cal.due_date(due, rule_set.escalate_after_days, WORKING)[0]
    deadline.calendar_unconfirmed = unconfirmed


def _clear_cards(q: Q, reason: str) -> None:
    """Clear a case's current cards at once when the workflow settles them (the sweep would, minutes later), so
    the board and card lists agree with the case page."""
    Card.objects.filter(q, cleared_at__isnull=True).update(cleared_at=timezone.now(), clear_reason=reason)


def refresh_case_due(case_ids) -> None:
    """Store each case's earliest running due and warn dates (the list's badge, urgency order, overdue filter)."""
    running = Deadline.objects.filter(state_q(COUNTING_STATES, timezone.localdate()),
                                      case=OuterRef("pk")).values("case")
    Case.objects.filter(pk__in=case_ids).update(
        due_on=Subquery(running.annotate(m=Min("due_on")).values("m")[:1]),
        warn_on=Subquery(running.annotate(m=Min("warn_on")).values("m")[:1]),
    )


def _applies(milestone: Milestone, case: Case) -> bool:
    if milestone.applies_to == AppliesTo.FIRST:
        return not case.is_repeat
    if milestone.applies_to == AppliesTo.REPEAT:
        return case.is_repeat
    return True


def _units_for(milestone: Milestone, case: Case, unit: Unit | None) -> list[Unit | None]:
    if milestone.party == Party.OWN:
        return []  # started only by clock_start_granted, for its owner's unit
    if milestone.party == Party.OFFICE:
        return [office_unit(case)]
    if milestone.party == Party.LEAD:
        return [case.lead_unit]  # None before assignment: adopted by the lead unit when it is assigned
    assists = Assignment.objects.filter(case=case, is_active=True, role="assist").select_related("unit")
    return [a.unit for a in assists]


def office_unit(case: Case) -> Unit | None:
    """The petition office answerable for a case's own clocks (acceptance, appeals): the county's petition bureau,
    whoever registered the case (a township's field cadre, an API client)."""

    bureau = (Unit.objects.filter(region=case.county_id, kind=UnitKind.PETITION_BUREAU, is_active=True)
              .order_by("sort_order", "pk").first())
    return bureau or case.registered_by.unit


def _running_suspension(case: Case) -> Suspension | None:
    return Suspension.objects.filter(case=case, status=SuspensionStatus.RUNNING).first()


def clock_event(*, case: Case, event: str, at: datetime, actor: User | None = None, unit: Unit | None = None
                ) -> None:
    """A case event happened: meet the running clocks it ends, start the clocks it begins. ``unit`` limits the
    clocks met to that unit's (an assisting unit's report)."""
    if case.rule_set_id is None:
        return
    if event == E.ASSIGNED and case.lead_unit_id:
        # Lead clocks that started before there was a lead unit (the 60 days from acceptance) are now its own.
        Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True, unit__isnull=True,
                                milestone__party=Party.LEAD).update(unit=case.lead_unit_id)
    ending = Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True,
                                     milestone__end_event=event)
    if unit is not None:
        ending = ending.filter(unit=unit)
    today = _local(at)
    for deadline in ending.select_related("milestone").select_for_update(of=("self",)):
        _meet(deadline, case, at, actor)
    starting = [m for m in Milestone.objects.filter(rule_set=case.rule_set_id, start_event=event, is_active=True)
                if _applies(m, case)]
    if starting:
        cal = calendar_for(case.county_id)
        rule_set = case.rule_set
        suspension = _running_suspension(case)
        already_met = set(Deadline.objects.filter(case=case, met_at__isnull=False)
                          .values_list("milestone_id", flat=True))
        created = []
        for milestone in starting:
            if milestone.pk in already_met and milestone.party != Party.ASSIST:
                continue
            started_at = at
            if not milestone.restart_on_reassign:
                earlier = (Deadline.objects.filter(case=case, milestone=milestone).order_by("started_at")
                           .values_list("started_at", flat=True).first())
                started_at = earlier or at
            for responsible in _units_for(milestone, case, unit):
                if Deadline.objects.filter(case=case, milestone=milestone, unit=responsible, met_at__isnull=True,
                                           stopped_at__isnull=True).exists():
                    continue
                deadline = Deadline(case=case, milestone=milestone, unit=responsible, started_at=started_at,
                                    started_on=_local(started_at),
                                    suspended_since=today if suspension is not None else None)
                compute_dates(deadline, milestone, rule_set, cal)
                created.append(deadline)
        Deadline.objects.bulk_create(created)
        if created:
            _timeline(case, actor, "deadline_start", _("开始计时：%(items)s") % {"items": _("；").join(
                _("%(name)s%(unit)s，%(days)s%(kind)s，%(due)s 到期") % {
                    "name": d.milestone.name,
                    "unit": _("（%(unit)s）") % {"unit": d.unit.name} if d.unit_id else "",
                    "days": d.milestone.days, "kind": d.milestone.get_day_kind_display(),
                    "due": d.due_on.isoformat()}
                for d in created)},
                {d.milestone.code + (f"@{d.unit_id}" if d.unit_id else ""): [None, d.due_on.isoformat()]
                 for d in created})
    refresh_case_due([case.pk])


def _meet(deadline: Deadline, case: Case, at: datetime, actor: User | None) -> None:
    """Meet one running clock at ``at``: late or not, its cards cleared, a late one on the timeline."""
    today = _local(at)
    if deadline.suspended_since is not None:
        # Met while suspended: the days it lost count before judging whether it was late.
        cal = calendar_for(case.county_id)
        deadline.suspended_days += cal.days_between(deadline.suspended_since, today, deadline.milestone.day_kind)
        deadline.suspended_since = None
        compute_dates(deadline, deadline.milestone, case.rule_set, cal)
        deadline.save(update_fields=["suspended_days", "suspended_since", "due_on", "warn_on", "red2_on",
                                     "escalate_on", "calendar_unconfirmed"])
    late = today > deadline.due_on
    Deadline.objects.filter(pk=deadline.pk).update(met_at=at, met_late=late, suspended_since=None)
    deadline.met_at, deadline.met_late = at, late
    _clear_cards(Q(deadline=deadline), ClearReason.MET)
    if late:
        _timeline(case, actor, "deadline_late",
                  _("“%(name)s”超期完成（到期日 %(due)s）。") % {"name": deadline.milestone.name,
                                                          "due": deadline.due_on.isoformat()})


def clock_start_granted(*, case: Case, code: str, days: int, unit: Unit | None, at: datetime, actor: User | None,
                        what: str) -> Deadline:
    """Start one clock of milestone ``code`` granted its own ``days`` (a backlog measure: owner, action, deadline),
    for ``unit``. The milestone is added to the case's rule set if it predates it. It raises cards like any clock."""
    # The county admin's current thresholds, not the version the case started under: a measure is set today.
    rules = rules_for(case.county, DEADLINE_RULES.key)
    lineage = case.rule_set.lineage if case.rule_set_id else None
    record = next((r for r in rules.rule_sets if r[KEY] == lineage), None) or _record_for(case, rules)
    if not any(m["code"] == code for m in record["milestones"]):  # a rule set without the measure milestone
        record = {**record, "milestones": [*record["milestones"], default_milestone(code)]}
    rule_set = rule_set_compiled(case.county, record)
    milestone = rule_set.milestones.get(code=code)
    deadline = Deadline(case=case, milestone=milestone, unit=unit, started_at=at, started_on=_local(at),
                        granted_days=days)
    compute_dates(deadline, milestone, rule_set, calendar_for(case.county_id))
    deadline.save()
    _timeline(case, actor, "deadline_start", _("开始计时：%(name)s（%(what)s）%(unit)s，%(due)s 到期") % {
        "name": milestone.name, "what": what[:60], "unit": _("（%(unit)s）") % {"unit": unit.name} if unit else "",
        "due": deadline.due_on.isoformat()}, {f"{code}#{deadline.pk}": [None, deadline.due_on.isoformat()]})
    refresh_case_due([case.pk])
    return deadline


def clock_meet(*, deadline: Deadline, at: datetime, actor: User | None) -> Deadline:
    """Meet one clock (a measure done): late or not, its cards cleared, the case's due dates refreshed."""
    deadline = Deadline.objects.select_related("milestone", "case__rule_set").select_for_update(of=("self",)).get(
        pk=deadline.pk)
    if deadline.met_at is None and deadline.stopped_at is None:
        _meet(deadline, deadline.case, at, actor)
        refresh_case_due([deadline.case_id])
    return deadline


def clock_stop(*, case: Case, at: datetime, reason: str, unit: Unit | None = None, end_event: str = "") -> int:
    """Stop the running clocks of a case (or of one unit on it, or those that end with ``end_event``): the case
    ended, the unit returned it, or what a clock waited for will not happen (a return visit withdrawn)."""
    running = Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True)
    if unit is not None:
        running = running.filter(unit=unit)
    if end_event:
        running = running.filter(milestone__end_event=end_event)
    else:
        # A backlog measure outlives the procedural end of the case: its dossier settles it.
        running = running.exclude(milestone__party=Party.OWN)
    ids = list(running.values_list("pk", flat=True))
    stopped = Deadline.objects.filter(pk__in=ids).update(stopped_at=at, stop_reason=reason[:100],
                                                         suspended_since=None)
    _clear_cards(Q(deadline__in=ids), ClearReason.STOPPED)
    if unit is None and not end_event:
        # Nothing runs any more: a running suspension ends and a pending request lapses.
        today = _local(at)
        Suspension.objects.filter(case=case, status=SuspensionStatus.RUNNING).update(
            status=SuspensionStatus.ENDED, ended_on=today)
        Suspension.objects.filter(case=case, status=SuspensionStatus.PENDING).update(
            status=SuspensionStatus.REJECTED, decided_at=at)
    refresh_case_due([case.pk])
    return stopped


def clock_return(*, case: Case, unit: Unit, at: datetime, actor: User | None) -> None:
    """The lead unit returned the case: its clocks that restart on re-assignment stop; the others (the statutory
    60 days, say) keep running with no unit until the next lead unit takes them over; assisting clocks stop."""
    running = Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True)
    stopping = list(running.filter(Q(unit=unit, milestone__party=Party.LEAD, milestone__restart_on_reassign=True)
                                   | Q(milestone__party=Party.ASSIST)).values_list("pk", flat=True))
    Deadline.objects.filter(pk__in=stopping).update(stopped_at=at, stop_reason=gettext_noop("已退回"))
    _clear_cards(Q(deadline__in=stopping), ClearReason.STOPPED)
    handed_over = list(running.filter(unit=unit, milestone__party=Party.LEAD).values_list("pk", flat=True))
    Deadline.objects.filter(pk__in=handed_over).update(unit=None)
    # Its cards named the returning unit; the sweep raises them again for whoever leads next.
    _clear_cards(Q(deadline__in=handed_over), ClearReason.MOVED)
    refresh_case_due([case.pk])


def _move(deadlines, case: Case, actor: User | None, why: str, change) -> None:
    """Apply ``change`` to each clock, recompute its dates, and put every moved due date on the timeline."""
    cal = calendar_for(case.county_id)
    rule_set = case.rule_set
    for deadline in deadlines:
        before = deadline.due_on
        change(deadline, cal)
        compute_dates(deadline, deadline.milestone, rule_set, cal)
        deadline.save(update_fields=["extra_days", "suspended_days", "suspended_since", "due_on", "warn_on",
                                     "red2_on", "escalate_on", "calendar_unconfirmed"])
        if deadline.due_on != before:
            _timeline(case, actor, "deadline_moved",
                      _("“%(name)s”到期日由 %(before)s 调整为 %(after)s：%(why)s") % {
                          "name": deadline.milestone.name, "before": before.isoformat(),
                          "after": deadline.due_on.isoformat(), "why": why},
                      {"due_on": [before.isoformat(), deadline.due_on.isoformat()]})
    refresh_case_due([case.pk])


def clock_extend(*, case: Case, days: int, actor: User | None) -> None:
    """An approved extension moves the due date of every running extendable clock of the case."""
    deadlines = (Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True,
                                         milestone__extendable=True).select_related("milestone")
                 .select_for_update(of=("self",)))

    def extend(deadline, cal):
        deadline.extra_days += days

    _move(deadlines, case, actor, _("批准延期%(days)s天") % {"days": days}, extend)


# Suspension -----------------------------------------------------------------------------------------------

def _visible_case(actor: User, case: Case) -> None:
    if not scoped(Case.objects.filter(pk=case.pk), actor).exists():
        raise NotFound(_("未找到该信访事项。"), code="case_not_found")


@transaction.atomic
def suspension_request(*, actor: User, case: Case, reason: str) -> Suspension:
    """The lead unit (or a caseworker) asks to stop the clocks, with a reason; a caseworker or leader approves."""
    _visible_case(actor, case)
    if not (actor.has_perm("cases.route_case") or is_lead_officer(actor, case)):
        raise NotPermitted(_("只有主办单位或信访部门可以申请中止计时。"), code="not_lead_unit")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("申请中止计时须写明理由。"), code="required", detail={"reason": [_("请填写理由。")]})
    if not Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True).exists():
        raise Conflict(_("该事项没有正在计时的办理时限。"), code="no_running_clock")
    try:
        with transaction.atomic():
            suspension = Suspension.objects.create(case=case, reason=reason[:300], requested_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("该事项已有待审批或进行中的中止计时。"), code="suspension_open") from exc
    _timeline(case, actor, "suspension_request", _("申请中止计时：%(reason)s") % {"reason": reason})
    return suspension


@transaction.atomic
def suspension_decide(*, actor: User, suspension: Suspension, approve: bool, note: str = "") -> Suspension:
    """Approve (the clocks stop today) or reject a pending suspension."""
    _require(actor, "cases.approve_extension")
    case = suspension.case
    _visible_case(actor, case)
    now = timezone.now()
    status = SuspensionStatus.RUNNING if approve else SuspensionStatus.REJECTED
    updated = Suspension.objects.filter(pk=suspension.pk, status=SuspensionStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now, started_on=_local(now) if approve else None)
    if not updated:
        raise Conflict(_("该中止计时申请已审批。"), code="already_decided")
    suspension.refresh_from_db()
    if approve:
        suspending = (Deadline.objects.filter(case=case, met_at__isnull=True, stopped_at__isnull=True)
                      .exclude(milestone__party=Party.OWN))  # a measure's clock is the dossier's, not the case's
        _clear_cards(Q(deadline__in=list(suspending.values_list("pk", flat=True))), ClearReason.SUSPENDED)
        suspending.update(suspended_since=suspension.started_on)
        refresh_case_due([case.pk])
        _timeline(case, actor, "suspension_start", _("批准中止计时，自 %(day)s 起停止计时。%(note)s") % {
            "day": suspension.started_on.isoformat(), "note": note.strip()})
    else:
        _timeline(case, actor, "suspension_reject", _("不批准中止计时。%(note)s") % {"note": note.strip()})
    return suspension


@transaction.atomic
def suspension_end(*, actor: User, suspension: Suspension) -> Suspension:
    """Resume the clocks: each gets the days it lost while suspended, and its due date moves accordingly."""
    case = suspension.case
    _visible_case(actor, case)
    if not (actor.has_perm("cases.route_case") or actor.has_perm("cases.approve_extension")
            or is_lead_officer(actor, case)):
        raise NotPermitted()
    today = timezone.localdate()
    updated = Suspension.objects.filter(pk=suspension.pk, status=SuspensionStatus.RUNNING).update(
        status=SuspensionStatus.ENDED, ended_on=today, ended_by=actor)
    if not updated:
        raise Conflict(_("该事项没有进行中的中止计时。"), code="not_suspended")
    suspension.refresh_from_db()
    deadlines = (Deadline.objects.filter(case=case, suspended_since__isnull=False, met_at__isnull=True,
                                         stopped_at__isnull=True).select_related("milestone")
                 .select_for_update(of=("self",)))

    def resume(deadline, cal):
        deadline.suspended_days += cal.days_between(deadline.suspended_since, today, deadline.milestone.day_kind)
        deadline.suspended_since = None

    _move(deadlines, case, actor, _("中止计时 %(start)s 至 %(end)s，恢复计时") % {
        "start": suspension.started_on.isoformat(), "end": today.isoformat()}, resume)
    # Resumed clocks can be overdue again even when no due date moved (and so no event was written).
    case_changed.send(sender=Case, case=case)
    return suspension


# Recomputing after a calendar change ------------------------------------------------------------------------

def deadlines_recompute(*, county_id: int, from_day: date, batch: int = 2000) -> int:
    """The county's calendar changed on or after ``from_day``: recompute the running clocks whose dates may
    depend on it (those due on or after it), in batches, and the cases' due dates. Returns how many moved."""
    cal = calendar_for(county_id)
    moved, last_id = 0, 0
    while True:
        # Due, second-red and escalation dates on or after the changed day may all move.
        affected = (Q(due_on__gte=from_day - timedelta(days=1)) | Q(red2_on__gte=from_day)
                    | Q(escalate_on__gte=from_day))
        ids = list(Deadline.objects.filter(
            affected, case__county_id=county_id, met_at__isnull=True, stopped_at__isnull=True, pk__gt=last_id)
            .order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        last_id = ids[-1]
        with transaction.atomic():
            # Locked and read afresh inside the transaction: an extension approved meanwhile is not lost.
            chunk = list(Deadline.objects.filter(pk__in=ids, met_at__isnull=True, stopped_at__isnull=True)
                         .select_related("milestone", "case__rule_set").select_for_update(of=("self",)))
            moved += _recompute_chunk(chunk, cal)
    return moved


def _recompute_chunk(chunk: list[Deadline], cal: WorkCalendar) -> int:
    """Recompute a locked batch of clocks; write those whose dates moved, on their cases' timelines."""
    changed = []
    for deadline in chunk:
        before = (deadline.due_on, deadline.warn_on, deadline.red2_on, deadline.escalate_on,
                  deadline.calendar_unconfirmed)
        compute_dates(deadline, deadline.milestone, deadline.case.rule_set, cal)
        if before != (deadline.due_on, deadline.warn_on, deadline.red2_on, deadline.escalate_on,
                      deadline.calendar_unconfirmed):
            changed.append(deadline)
    Deadline.objects.bulk_update(changed, ["due_on", "warn_on", "red2_on", "escalate_on", "calendar_unconfirmed"])
    with translation.override(settings.LANGUAGE_CODE):  # no actor: the timeline speaks the site's language
        TimelineEvent.objects.bulk_create([
            TimelineEvent(case_id=d.case_id, kind="deadline_moved",
                          message=_("“%(name)s”到期日调整为 %(after)s：工作日历调整") % {
                              "name": d.milestone.name, "after": d.due_on.isoformat()},
                          changes={"due_on": [None, d.due_on.isoformat()]})
            for d in changed])
    refresh_case_due({d.case_id for d in changed})
    announce_cases_changed({d.case_id for d in changed})  # a case may be overdue, or no longer, in the KPIs
    return len(changed)


# The sweep ------------------------------------------------------------------------------------------------

# When each colour holds for a clock, as SQL over deadlines_deadline d (parameter: today), from the card rule
# (xinfang.clocks). Every card state implies warn_on <= today, so the scan reads the partial index of running clocks
# by warn date.
_HOLDS_SQL = {colour: state_sql([colour], "d", Deadline) for colour in CARD_STATES}
_RUNNING_SQL = state_sql(RUNNING_STATES, "d", Deadline)
_CLEAR_REASON_SQL = f"""CASE
                WHEN {state_sql(["met_late", "met"], "d", Deadline)} THEN 'met'
                WHEN {state_sql(["stopped"], "d", Deadline)} THEN 'stopped'
                WHEN {state_sql(["suspended"], "d", Deadline)} THEN 'suspended'
                WHEN (deadlines_card.colour = 'yellow' AND {state_sql(["red2", "red"], "d", Deadline)})
                  OR (deadlines_card.colour = 'red' AND {_HOLDS_SQL["red2"]}) THEN 'escalated'
                ELSE 'moved' END"""


def _clear(now: datetime, today: date) -> int:
    """One UPDATE: every current card whose condition no longer holds is cleared, with the reason why."""
    holds = " ".join(f"WHEN '{colour}' THEN ({sql})" for colour, sql in _HOLDS_SQL.items())
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE deadlines_card SET cleared_at = %(now)s, clear_reason = {_CLEAR_REASON_SQL}
            FROM deadlines_deadline d
            WHERE d.id = deadlines_card.deadline_id AND deadlines_card.cleared_at IS NULL
              AND NOT (CASE deadlines_card.colour {holds} ELSE FALSE END)
        """, {"now": now, "today": today})  # noqa: S608 — the fragments are constants
        return max(cursor.rowcount, 0)


# Officers of the responsible unit hear of each card; leaders get one notice a day that leads to their cards (a
# leader of a busy county is not sent thousands of notices at once). Both are idempotent by (user, key).
_NOTIFY_PER_CARD_SQL = """
INSERT INTO deadlines_notification (user_id, kind, key, case_id, card_id, data, created_at)
SELECT u.id, %(kind)s, 'card:' || c.id, c.case_id, c.id, '{}', %(now)s
FROM deadlines_card c JOIN org_user u ON u.unit_id = c.unit_id
WHERE c.raised_at = %(now)s AND u.is_active AND NOT u.is_service_account
ON CONFLICT DO NOTHING
"""
_NOTIFY_PER_DAY_SQL = """
INSERT INTO deadlines_notification (user_id, kind, key, case_id, card_id, data, created_at)
SELECT u.id, %(kind)s, %(key)s, NULL, NULL, '{{}}', %(now)s
FROM org_user u
WHERE u.is_active AND NOT u.is_service_account AND {who}
ON CONFLICT DO NOTHING
"""
# Who hears of the cards this sweep raised (c.raised_at) or escalated (c.escalated_at), as conditions on user u.
_LEADER_OF_RAISED = "EXISTS (SELECT 1 FROM deadlines_card c WHERE c.raised_at = %(now)s AND c.leader_id = u.id)"
_ONE_LEVEL_UP = [
    # the leader of the responsible unit's parent unit
    "EXISTS (SELECT 1 FROM deadlines_card c JOIN org_unit un ON un.id = c.unit_id "
    "JOIN org_unit p ON p.id = un.parent_id WHERE c.escalated_at = %(now)s AND p.leader_id = u.id)",
    # else the county's leaders
    f"u.leader_level = {int(RegionLevel.COUNTY)} AND EXISTS (SELECT 1 FROM deadlines_card c "  # noqa: S608
    "JOIN cases_case cs ON cs.id = c.case_id JOIN org_unit ou ON ou.region_id = cs.county_id "
    "LEFT JOIN org_unit un ON un.id = c.unit_id LEFT JOIN org_unit p ON p.id = un.parent_id "
    "WHERE c.escalated_at = %(now)s AND ou.id = u.unit_id AND p.leader_id IS NULL)",
]


def _notify_daily(cursor, *, kind: str, now: datetime, today: date, who: list[str]) -> int:
    total = 0
    for condition in who:
        cursor.execute(_NOTIFY_PER_DAY_SQL.format(who=condition),
                       {"kind": kind, "key": f"{kind}:{today.isoformat()}", "now": now})
        total += max(cursor.rowcount, 0)
    return total


def _raise(colour: str, now: datetime, today: date) -> tuple[int, int]:
    """Raise the cards of one colour that hold now and are not raised yet; notify the unit and the leader in the
    same transaction (a sweep killed half-way leaves nothing half-done)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The anti-join below must read the card table once (a hash), never once per clock: right after a
            # mass raise the planner's statistics still think the table is empty.
            cursor.execute("SET LOCAL enable_nestloop = off")
        params = {"colour": colour, "now": now, "today": today, "cap": settings.DEADLINE_SWEEP_MAX_CARDS}
        cursor.execute(f"""
            INSERT INTO deadlines_card (deadline_id, case_id, colour, unit_id, leader_id, raised_at, clear_reason,
                                        escalated_at)
            SELECT d.id, d.case_id, %(colour)s, d.unit_id, COALESCE(cs.owner_id, u.leader_id), %(now)s, '',
                   -- a red card raised after its escalation date (catching up) is escalated in the same write
                   CASE WHEN %(colour)s <> 'yellow' AND d.escalate_on < %(today)s THEN %(now)s END
            FROM deadlines_deadline d
            JOIN cases_case cs ON cs.id = d.case_id
            LEFT JOIN org_unit u ON u.id = d.unit_id
            WHERE {_HOLDS_SQL[colour]}
              AND NOT EXISTS (SELECT 1 FROM deadlines_card x
                              WHERE x.deadline_id = d.id AND x.colour = %(colour)s AND x.cleared_at IS NULL)
            ORDER BY d.due_on, d.id
            LIMIT %(cap)s
            ON CONFLICT DO NOTHING
        """, params)  # noqa: S608 — the fragments are constants
        raised = max(cursor.rowcount, 0)
        notified = 0
        if raised:
            _tell_subscribers(cursor, colour, now)
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_nestloop = on")
            cursor.execute(_NOTIFY_PER_CARD_SQL, {"kind": NotificationKind.CARD, "now": now})
            notified = max(cursor.rowcount, 0)
            notified += _notify_daily(cursor, kind=NotificationKind.LEADER, now=now, today=today,
                                      who=[_LEADER_OF_RAISED])
    return raised, notified


def _tell_subscribers(cursor, colour: str, now: datetime) -> None:
    """The cards just raised, as events to the counties whose systems subscribe (xinfang.exchange), in the sweep's
    transaction: read only where some county wants them."""
    counties = counties_wanting(EventType.CARD_RAISED)
    if not counties:
        return
    cursor.execute("""
        SELECT c.id, cs.county_id, cs.id, cs.number, c.colour, u.name
        FROM deadlines_card c JOIN cases_case cs ON cs.id = c.case_id LEFT JOIN org_unit u ON u.id = c.unit_id
        WHERE c.raised_at = %(now)s AND c.colour = %(colour)s
    """, {"now": now, "colour": colour})
    events_emit_many(type=EventType.CARD_RAISED, object_type="deadlines.card", rows=[
        (county_id, card_id, {"card": {"id": card_id, "colour": card_colour, "unit": unit},
                              "case": {"id": case_id, "number": number}})
        for card_id, county_id, case_id, number, card_colour, unit in cursor.fetchall() if county_id in counties])


def _escalate(now: datetime, today: date) -> tuple[int, int]:
    """Red cards unanswered past their clock's escalation date go to the leader one level up: the leader of the
    responsible unit's parent unit, or else the county's leaders."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Raw SQL like the notifications that follow, so both read the same stored timestamp on every database.
        cursor.execute(f"""
            UPDATE deadlines_card SET escalated_at = %(now)s
            FROM deadlines_deadline d
            WHERE d.id = deadlines_card.deadline_id AND deadlines_card.cleared_at IS NULL
              AND deadlines_card.escalated_at IS NULL AND deadlines_card.colour IN ('red', 'red2')
              AND {_RUNNING_SQL} AND d.escalate_on < %(today)s
        """, {"now": now, "today": today})  # noqa: S608 — the fragment is a constant
        # Escalated now: by this update, or already when raised late in this run (services._raise).
        cursor.execute("SELECT count(*) FROM deadlines_card WHERE escalated_at = %(now)s", {"now": now})
        escalated = cursor.fetchone()[0]
        notified = 0
        if escalated:
            notified = _notify_daily(cursor, kind=NotificationKind.ESCALATION, now=now, today=today,
                                     who=_ONE_LEVEL_UP)
    return escalated, notified


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, escalate and clear cards for every running clock, in a handful of set-based statements.

    Idempotent and convergent: run it twice, or in two workers at once, and the result is the same (the partial
    unique constraint on current cards makes a second insert a no-op); after downtime it raises what holds now.
    A run raises at most DEADLINE_SWEEP_MAX_CARDS cards of each colour, the most overdue first, so that even the
    first run over a large backlog stays short; the next runs raise the rest (pages show the due status from the
    stored dates meanwhile).
    Each step commits on its own, so a worker killed half-way loses nothing the next run does not redo.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    counts = {"cleared": _clear(now, today)}
    for colour in (CardColour.RED2, CardColour.RED, CardColour.YELLOW):
        raised, notified = _raise(colour, now, today)
        counts[f"raised_{colour}"] = raised
        counts["notified"] = counts.get("notified", 0) + notified
    counts["escalated"], escalation_notices = _escalate(now, today)
    counts["notified"] += escalation_notices
    return counts


# Supervision (督办) ----------------------------------------------------------------------------------------

def _next_supervision_number(county: Region, kind: str, year: int) -> str:
    counter, _created = SupervisionCounter.objects.get_or_create(county=county, year=year, kind=kind)
    SupervisionCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    # A document number is an official identifier, the same in every interface language.
    label = "督" if kind == SupervisionKind.LETTER else "提"
    return f"{county.code[:6]}-{label}-{year}-{counter.last:04d}"


@transaction.atomic
def supervision_issue(*, actor: User, case: Case, kind: str, content: str, respond_by: date,
                      unit: Unit | None = None) -> Supervision:
    """Issue a reminder (提醒单) or a supervision letter (督办函) to the responsible unit: numbered, on the
    timeline, and notified to the unit's officers at once."""
    _require(actor, "deadlines.issue_supervision")
    _visible_case(actor, case)
    if kind not in SupervisionKind.values:
        raise ValidationFailed(_("请选择提醒单或督办函。"), code="invalid", detail={"kind": [_("请选择类型。")]})
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(_("请填写督办事项。"), code="required", detail={"content": [_("请填写督办事项。")]})
    unit = unit or case.lead_unit
    if unit is None:
        raise Conflict(_("该事项尚未交办，没有可督办的责任单位。"), code="no_responsible_unit")
    today = timezone.localdate()
    if respond_by < today:
        message = _("回复期限不能早于今天。")
        raise ValidationFailed(message, code="invalid", detail={"respond_by": [message]})
    if respond_by > LATEST:
        message = _("日期不能晚于2099年12月31日。")
        raise ValidationFailed(message, code="invalid", detail={"respond_by": [message]})
    supervision = Supervision.objects.create(
        case=case, kind=kind, number=_next_supervision_number(case.county, kind, today.year), unit=unit,
        content=content, respond_by=respond_by, issued_by=actor)
    _timeline(case, actor, "supervision", _("签发%(kind)s %(number)s 至%(unit)s，%(day)s 前回复：%(content)s") % {
        "kind": supervision.get_kind_display(), "number": supervision.number, "unit": unit.name,
        "day": respond_by.isoformat(), "content": content[:200]})
    recipients = User.objects.filter(unit=unit, is_active=True, is_service_account=False).values_list("pk", flat=True)
    Notification.objects.bulk_create(
        [Notification(user_id=pk, kind=NotificationKind.SUPERVISION, key=f"sup:{supervision.pk}", case=case,
                      supervision=supervision) for pk in recipients], ignore_conflicts=True)
    return supervision


def _supervised_officer(actor: User, supervision: Supervision) -> None:
    _visible_case(actor, supervision.case)
    if actor.unit_id != supervision.unit_id:
        raise NotPermitted(_("只有被督办单位可以签收和回复。"), code="not_supervised_unit")


@transaction.atomic
def supervision_acknowledge(*, actor: User, supervision: Supervision) -> Supervision:
    """The supervised unit signs for the document."""
    _supervised_officer(actor, supervision)
    if not Supervision.objects.filter(pk=supervision.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=actor):
        raise Conflict(_("已签收。"), code="already_acknowledged")
    supervision.refresh_from_db()
    _timeline(supervision.case, actor, "supervision_ack", _("%(unit)s签收%(number)s。") % {
        "unit": supervision.unit.name, "number": supervision.number})
    return supervision


@transaction.atomic
def supervision_respond(*, actor: User, supervision: Supervision, response: str) -> Supervision:
    """The supervised unit reports what it has done (signing for it too if it had not)."""
    _supervised_officer(actor, supervision)
    response = (response or "").strip()
    if not response:
        raise ValidationFailed(_("请填写办理情况。"), code="required", detail={"response": [_("请填写办理情况。")]})
    now = timezone.now()
    Supervision.objects.filter(pk=supervision.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor)
    if not Supervision.objects.filter(pk=supervision.pk, responded_at__isnull=True).update(
            response=response, responded_at=now, responded_by=actor):
        raise Conflict(_("已回复。"), code="already_responded")
    supervision.refresh_from_db()
    _timeline(supervision.case, actor, "supervision_response", _("%(unit)s回复%(number)s：%(response)s") % {
        "unit": supervision.unit.name, "number": supervision.number, "response": response[:200]})
    return supervision


# Notifications --------------------------------------------------------------------------------------------

def notification_mark_read(*, actor: User, ids=None) -> int:
    """Mark the actor's notifications read (these ids, or all)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def in_working_hours(county_id: int | None, rules, now: datetime) -> bool:
    """Reminders go out on the county's working days (its own calendar) between the county's hours
    (deadlines/rules.py), never at midnight or on a holiday. Above county level: the national calendar."""
    local = timezone.localtime(now)
    cal = calendar_for(county_id) if county_id else WorkCalendar()
    return cal.is_workday(local.date()) and rules.notify_from_hour <= local.hour < rules.notify_until_hour


def _mailable_now(notifications, now: datetime):
    """``notifications`` narrowed to those whose user's county is in its working hours now (its own calendar and
    hours); a user above county level or without a unit follows the national calendar and the default hours. A few
    queries per county that has unmailed notifications, none per user."""
    county_path = Substr("user__unit__region__path", 1, COUNTY_PATH_LENGTH)
    in_county = Q(user__unit__region__level__gte=RegionLevel.COUNTY)
    paths = set(notifications.filter(in_county).order_by().annotate(county_path=county_path)
                .values_list("county_path", flat=True).distinct())
    counties = dict(Region.objects.filter(path__in=paths, level=RegionLevel.COUNTY).values_list("pk", "path"))
    rules = rules_for_counties(counties, NOTIFY_RULES.key, timezone.localdate(now))
    open_paths = [path for pk, path in counties.items() if in_working_hours(pk, rules[pk], now)]
    mailable = Q(pk__in=notifications.filter(in_county).annotate(county_path=county_path)
                 .filter(county_path__in=open_paths).values("pk"))
    if in_working_hours(None, Rules(NOTIFY_RULES, NOTIFY_RULES.defaults()), now):
        mailable |= ~in_county | Q(user__unit__isnull=True)
    return notifications.filter(mailable)


logger = logging.getLogger("deadlines")
NOTIFICATION_MAIL = "notifications"


def notifications_email(*, now: datetime | None = None, limit: int = 500) -> int:
    """E-mail each user their unmailed notifications as one message, in their county's working hours only (at most
    ``limit`` users a run). The rows are claimed (SKIP LOCKED) and the message recorded in one transaction, then
    handed to the mail server once (xinfang.exchange: a worker dying in between leaves it to the next run, never
    mailed twice)."""
    now = now or timezone.now()
    # Mails recorded by a run that died before sending them, or that the mail server refused: sent now.
    for key in Message.objects.filter(purpose=NOTIFICATION_MAIL, state__in=(MessageState.PENDING, MessageState.FAILED)
                                      ).values_list("key", flat=True):
        _deliver(key)
    unmailed = Notification.objects.filter(emailed_at__isnull=True).exclude(user__email="")
    user_ids = list(_mailable_now(unmailed, now).order_by().values_list("user_id", flat=True).distinct()[:limit])
    sent = 0
    counties = dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("path", "pk"))
    for user in User.objects.filter(pk__in=user_ids).select_related("unit__region"):
        county_id = counties.get(user.unit.region.path[:COUNTY_PATH_LENGTH]) if user.unit_id else None
        with transaction.atomic():
            claimed = list(Notification.objects.select_for_update(skip_locked=True, of=("self",))
                           .filter(user=user, emailed_at__isnull=True)
                           .select_related("case", "card__deadline__milestone", "card__unit", "supervision"))
            if not claimed:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=now)
            ids = sorted(n.pk for n in claimed)
            key = f"{NOTIFICATION_MAIL}:{user.pk}:{ids[0]}-{ids[-1]}:{len(ids)}"
            message_prepare(key=key, channel=MessageChannel.EMAIL, to=user.email, purpose=NOTIFICATION_MAIL,
                            body="\n".join(notification_text(n) for n in claimed), county_id=county_id,
                            subject=_("信访通：您有%(n)s条新提醒") % {"n": len(claimed)})
        sent += _deliver(key)
    Notification.objects.filter(emailed_at__isnull=True, user__email="").update(emailed_at=now)
    return sent


def _deliver(key: str) -> int:
    """One mail handed over; a mail server that cannot be reached leaves it failed for the next run (logged), and the
    others of this run still go."""
    try:
        message_deliver(key=key)
    except OSError:
        logger.warning("notification mail %s not sent: the mail server refused or was unreachable", key)
        return 0
    return 1


def unit_digest(*, day: date | None = None) -> int:
    """Each unit with current cards gets its daily digest: one notification per officer per day (idempotent)."""
    day = day or timezone.localdate()
    rows = (Card.objects.filter(cleared_at__isnull=True, unit__isnull=False).values("unit_id", "colour")
            .annotate(n=Count("id")).order_by())
    by_unit: dict[int, dict[str, int]] = {}
    for row in rows:
        by_unit.setdefault(row["unit_id"], {})[row["colour"]] = row["n"]
    key = f"digest:{day.isoformat()}"
    users = (User.objects.filter(unit_id__in=by_unit, is_active=True, is_service_account=False)
             .exclude(notifications__key=key).values_list("pk", "unit_id"))
    notes = [Notification(user_id=pk, kind=NotificationKind.DIGEST, key=key,
                          data={"day": day.isoformat(), **by_unit[unit_id]}) for pk, unit_id in users]
    Notification.objects.bulk_create(notes, ignore_conflicts=True)  # a concurrent run adds nothing twice
    return len(notes)

