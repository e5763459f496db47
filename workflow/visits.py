"""Steps of the visits app that reach other apps: a leader's reception, a return visit, the petitioner's answer."""

from datetime import datetime

from django.db import transaction

from cases.models import Case
from scoring import services as scoring
from scoring.choices import PointEvent
from visits import services as visits
from visits.models import Reception, ReturnVisit
from xinfang.org.models import User

from .cases import evaluated, opened


@transaction.atomic
def reception_record(*, actor: User, data: visits.ReceptionInput) -> Reception:
    """A leader's reception (领导接访): recorded, the case it opened (if any) starts its clocks, and the leader earns
    the reception's points."""
    reception = visits.reception_record(actor=actor, data=data)
    if reception.opened_case:
        opened(reception.case, actor)
    scoring.points_on(event=PointEvent.RECEPTION, case=reception.case, users=[reception.leader], source=reception,
                      actor=actor)
    return reception


@transaction.atomic
def return_visit_record(*, actor: User, case: Case, result: str, method: str, note: str = "",
                        visited_at: datetime | None = None) -> ReturnVisit:
    """A return visit by visit or phone: the evaluation drives the case and its clocks (不满意: handled again)."""
    case, evaluation, field_visit = visits.return_visit_record(actor=actor, case=case, result=result, method=method,
                                                               note=note, visited_at=visited_at)
    return evaluated(case, evaluation, actor, field_visit=field_visit)


@transaction.atomic
def answer_link_submit(*, token: str, result: str, note: str = "") -> ReturnVisit:
    """The petitioner's own answer through the one-time link: as a return visit, with no user (no points)."""
    case, evaluation = visits.answer_link_claim(token=token, result=result, note=note)
    return evaluated(case, evaluation, None)
