"""A case's steps, from registration to the decision on an appeal: the case moves (cases.services), its clocks
follow (deadlines.services), and what the step means elsewhere happens with it, in the same transaction."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from cases import selectors as case_selectors
from cases import services as cases
from cases.choices import AppealKind, ExtensionStatus, Satisfaction
from cases.models import Appeal, Assignment, Case, Evaluation, Extension
from deadlines import services as clocks
from deadlines.choices import ClockEvent as E
from dossiers import services as dossiers
from scoring import services as scoring
from scoring.choices import PointEvent
from visits import services as visits
from visits.models import FieldVisit, ReturnVisit
from xinfang.errors import Conflict
from xinfang.org.models import Unit, User


def opened(case: Case, actor: User | None) -> None:
    """A case was registered (at the desk, through the API, at a leader's reception): it runs under the rule set
    that governs it now and its first clocks start from its receipt. A repeat of a resolved backlog matter reopens
    that dossier (反弹), which costs its owning leaders points."""
    clocks.rule_set_bind(case)
    clocks.clock_event(case=case, event=E.RECEIVED, at=case.received_at, actor=actor)
    if case.repeat_of_id:
        dossier = dossiers.dossier_relapse(case=case, actor=actor)
        if dossier is not None:
            scoring.points_on(event=PointEvent.RELAPSE, case=dossier.case, source=case, actor=actor,
                              users=[o.user for o in dossier.owners.select_related("user")])


def _decided(case: Case, actor: User, stop: str) -> None:
    """A decision ended the office's part (不予受理, 转送, 导入法律程序): the decision clock is met, the rest stop."""
    now = timezone.now()
    clocks.clock_event(case=case, event=E.DECIDED, at=now, actor=actor)
    clocks.clock_stop(case=case, at=now, reason=stop)


@transaction.atomic
def case_register(*, actor: User, data: cases.CaseInput, files=(), ip_address: str | None = None) -> Case:
    """Register a petition (登记), then start its clocks."""
    case = cases.case_register(actor=actor, data=data, files=files, ip_address=ip_address)
    opened(case, actor)
    return case


def case_handoff(*, actor: User, data: cases.CaseInput, files=(), ip_address: str | None = None) -> tuple[Case, bool]:
    """A case a platform hands over (12345, 上级交办), idempotent on the platform's own id: the same id again gets
    the case it became, and False (nothing registered twice, even by two calls at once)."""
    existing = cases.case_by_external_id(actor=actor, region=data.region, system=data.external_system,
                                         external_id=data.external_id)
    if existing is not None:
        return existing, False
    try:
        return case_register(actor=actor, data=data, files=files, ip_address=ip_address), True
    except Conflict as exc:
        if exc.code != "duplicate_external_id":
            raise
        return cases.case_by_external_id(actor=actor, region=data.region, system=data.external_system,
                                         external_id=data.external_id), False


@transaction.atomic
def case_accept(*, actor: User, case: Case, version: int) -> Case:
    """Accept (受理): the decision clock is met and the handling clocks start."""
    case = cases.case_accept(actor=actor, case=case, version=version)
    clocks.clock_event(case=case, event=E.DECIDED, at=case.accepted_at, actor=actor)
    clocks.clock_event(case=case, event=E.ACCEPTED, at=case.accepted_at, actor=actor)
    return case


@transaction.atomic
def case_not_accept(*, actor: User, case: Case, version: int, reason: str) -> Case:
    case = cases.case_not_accept(actor=actor, case=case, version=version, reason=reason)
    _decided(case, actor, gettext_noop("不予受理"))
    return case


@transaction.atomic
def case_forward(*, actor: User, case: Case, version: int, to_body: str, reason: str = "") -> Case:
    case = cases.case_forward(actor=actor, case=case, version=version, to_body=to_body, reason=reason)
    _decided(case, actor, gettext_noop("已转送"))
    return case


@transaction.atomic
def case_divert(*, actor: User, case: Case, version: int, reason: str) -> Case:
    case = cases.case_divert(actor=actor, case=case, version=version, reason=reason)
    _decided(case, actor, gettext_noop("已导入法律程序"))
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, version: int, lead_unit: Unit, assist_units=(), tasks: str = "",
                assist_tasks: str = "") -> Case:
    """Assign (交办): the units' clocks start."""
    case = cases.case_assign(actor=actor, case=case, version=version, lead_unit=lead_unit,
                             assist_units=assist_units, tasks=tasks, assist_tasks=assist_tasks)
    clocks.clock_event(case=case, event=E.ASSIGNED, at=case.assigned_at, actor=actor)
    return case


@transaction.atomic
def case_return(*, actor: User, case: Case, version: int, reason: str) -> Case:
    """The lead unit returns the case (退回): its clocks stop, the office's re-routing clock starts."""
    unit = case.lead_unit
    case = cases.case_return(actor=actor, case=case, version=version, reason=reason)
    clocks.clock_return(case=case, unit=unit, at=timezone.now(), actor=actor)
    return case


@transaction.atomic
def case_meet(*, actor: User, case: Case, version: int, met_at: datetime | None = None, note: str = "") -> Case:
    met_at = met_at or timezone.now()
    case = cases.case_meet(actor=actor, case=case, version=version, met_at=met_at, note=note)
    clocks.clock_event(case=case, event=E.MET, at=met_at, actor=actor)
    return case


@transaction.atomic
def case_feedback(*, actor: User, case: Case, version: int, note: str) -> Case:
    case = cases.case_feedback(actor=actor, case=case, version=version, note=note)
    clocks.clock_event(case=case, event=E.FEEDBACK, at=timezone.now(), actor=actor)
    return case


@transaction.atomic
def case_reply(*, actor: User, case: Case, version: int, text: str, file=None) -> Case:
    """The written reply (答复): the handling clocks are met, the return-visit clock starts, and the return visit is
    scheduled for the caseworker who registered the case."""
    case = cases.case_reply(actor=actor, case=case, version=version, text=text, file=file)
    clocks.clock_event(case=case, event=E.REPLIED, at=case.replied_at, actor=actor)
    visits.return_visit_schedule(case=case, actor=actor)
    return case


def evaluated(case: Case, evaluation: Evaluation, actor: User | None,
              field_visit: FieldVisit | None = None) -> ReturnVisit:
    """An evaluation was recorded (the case page, a return visit, the petitioner's link): the return-visit clock is
    met, 不满意 restarts the handling clocks, the pending return visit is done and, if it was scheduled, earns its
    visitor points (evaluating again earns nothing)."""
    clocks.clock_event(case=case, event=E.EVALUATED, at=evaluation.recorded_at, actor=actor)
    if evaluation.result == Satisfaction.UNSATISFIED:
        clocks.clock_event(case=case, event=E.REHANDLE, at=evaluation.recorded_at, actor=actor)
    visit, scheduled = visits.return_visit_evaluated(case=case, evaluation=evaluation, actor=actor,
                                                     field_visit=field_visit)
    if actor is not None and scheduled:
        scoring.points_on(event=PointEvent.RETURN_VISIT, case=case, users=[actor], source=visit, actor=actor)
    return visit


@transaction.atomic
def case_evaluate(*, actor: User, case: Case, version: int, result: str, method: str, note: str = "") -> Case:
    """The return visit recorded from the case page (回访, satisfaction)."""
    case, evaluation = cases.case_evaluate(actor=actor, case=case, version=version, result=result, method=method,
                                           note=note)
    evaluated(case, evaluation, actor)
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, version: int, note: str = "") -> Case:
    """Close (办结): the clocks stop; the officer who replied earns the resolution's points, once per case (closed
    again after a review it is still one resolution), and loses some if a clock was met late."""
    case = cases.case_close(actor=actor, case=case, version=version, note=note)
    clocks.clock_event(case=case, event=E.CLOSED, at=case.closed_at, actor=actor)
    clocks.clock_stop(case=case, at=case.closed_at, reason=gettext_noop("已办结"))
    replier = case_selectors.replier(case)
    if replier is not None:
        scoring.points_on(event=PointEvent.CASE_RESOLVED, case=case, users=[replier], source=case, actor=actor,
                          once=True)
        if case.deadlines.filter(met_late=True).exists():
            scoring.points_on(event=PointEvent.LATE_CLOSURE, case=case, users=[replier], source=case, actor=actor,
                              once=True)
    return case


@transaction.atomic
def extension_decide(*, actor: User, extension: Extension, approve: bool, note: str = "") -> Extension:
    """An extension decided: approved, the running clocks get its days."""
    extension = cases.extension_decide(actor=actor, extension=extension, approve=approve, note=note)
    if extension.status == ExtensionStatus.APPROVED:
        clocks.clock_extend(case=extension.case, days=extension.days, actor=actor)
    return extension


@transaction.atomic
def case_request_appeal(*, actor: User, case: Case, version: int, kind: str, reviewing_unit: Unit,
                        reason: str) -> Appeal:
    """An appeal (复查 / 复核) registered: the pending return visit is withdrawn with its clock, and the reviewing
    body's clock starts."""
    appeal = cases.case_request_appeal(actor=actor, case=case, version=version, kind=kind,
                                       reviewing_unit=reviewing_unit, reason=reason)
    visits.return_visit_cancel(case=case, reason=gettext_noop("已申请复查（复核）"))
    event = E.REVIEW_REQUESTED if kind == AppealKind.REVIEW else E.RE_REVIEW_REQUESTED
    clocks.clock_event(case=case, event=event, at=timezone.now(), actor=actor)
    return appeal


@transaction.atomic
def case_decide_appeal(*, actor: User, case: Case, version: int, outcome: str, decision: str) -> Appeal:
    """The reviewing body decides: its clock is met and the case's clocks stop."""
    appeal = cases.case_decide_appeal(actor=actor, case=case, version=version, outcome=outcome, decision=decision)
    now = timezone.now()
    clocks.clock_event(case=case, event=E.APPEAL_DECIDED, at=now, actor=actor)
    clocks.clock_stop(case=case, at=now, reason=gettext_noop("复查（复核）已办结"))
    return appeal


@transaction.atomic
def assignment_report(*, actor: User, case: Case, report: str) -> Assignment:
    """An assisting unit reports its part (协办意见): its own clock is met."""
    assignment = cases.assignment_report(actor=actor, case=case, report=report)
    clocks.clock_event(case=case, event=E.ASSIST_REPORTED, at=assignment.reported_at, actor=actor,
                       unit=assignment.unit)
    return assignment
