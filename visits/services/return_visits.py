"""Return visits (回访) and the petitioner's one-time answer link: writes the ReturnVisit tasks a reply schedules
(cancelled, reassigned, done when the case is evaluated), a return visit recorded by visit or phone (the case's
evaluation, and a 上门回访 field visit), and the AnswerLink through which the petitioner answers by SMS or QR code
(only the token's hash is stored; the link works once, claimed by a conditional update)."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import services as case_services
from cases.choices import CaseStatus, EvaluationMethod, Satisfaction
from cases.models import Case, Evaluation
from deadlines import services as clocks
from deadlines.choices import ClockEvent
from xinfang import personal_data
from xinfang.celery import enqueue
from xinfang.dates import refuse_future
from xinfang.errors import Conflict, NotFound, NotPermitted, invalid, require_perm
from xinfang.exchange.choices import MessageChannel, MessageState
from xinfang.exchange.services import message_send_once
from xinfang.org.models import User
from xinfang.org.scoping import scoped
from xinfang.org.services import require_visible

from ..choices import LinkChannel, ReturnVisitStatus, VisitKind
from ..models import AnswerLink, FieldVisit, ReturnVisit
from ._common import is_night, visit_settings_for


def _return_visit_clock(case: Case):
    """The case's running clock that ends with the return visit (the 答复后回访 milestone), if its rules have one."""
    return (case.deadlines.filter(milestone__end_event=ClockEvent.EVALUATED, met_at__isnull=True,
                                  stopped_at__isnull=True).order_by("-started_at", "-id").first())


def return_visit_schedule(*, case: Case, actor: User | None) -> ReturnVisit:
    """On a reply: schedule the return visit, due by the county's 答复后回访 clock, for the caseworker who registered
    the case (reassignable). Called by cases.services.case_reply inside its transaction."""
    ReturnVisit.objects.filter(case=case, status=ReturnVisitStatus.PENDING).update(
        status=ReturnVisitStatus.CANCELLED, cancelled_reason=gettext_noop("重新答复"))
    registrar = case.registered_by
    assignee = registrar if registrar.is_active and registrar.has_perm("visits.change_returnvisit") else None
    return ReturnVisit.objects.create(case=case, round=case.return_visits.count() + 1,
                                      deadline=_return_visit_clock(case), assignee=assignee)


def return_visit_cancel(*, case: Case, reason: str) -> int:
    """The case left 已答复 without a return visit (an appeal): its pending task is withdrawn, and so is the clock
    that waited for it (no card for a return visit nobody will make)."""
    clocks.clock_stop(case=case, at=timezone.now(), reason=reason, end_event=ClockEvent.EVALUATED)
    return ReturnVisit.objects.filter(case=case, status=ReturnVisitStatus.PENDING).update(
        status=ReturnVisitStatus.CANCELLED, cancelled_reason=reason)


def return_visit_evaluated(*, case: Case, evaluation: Evaluation, actor: User | None,
                           field_visit: FieldVisit | None = None) -> tuple[ReturnVisit, bool]:
    """An evaluation was recorded on the case (from the case page, the return-visit list or the petitioner's link):
    the pending return visit is done. A case replied before return visits were scheduled gets a done one. Returns
    the visit and whether it had been scheduled (only a scheduled visit done earns points: workflow)."""
    visit = ReturnVisit.objects.select_for_update().filter(case=case, status=ReturnVisitStatus.PENDING).first()
    scheduled = visit is not None
    if visit is None:
        visit = ReturnVisit(case=case, round=case.return_visits.count() + 1, deadline=None)
    visit.status = ReturnVisitStatus.DONE
    visit.evaluation = evaluation
    visit.done_at = evaluation.recorded_at
    visit.done_by = actor
    visit.field_visit = field_visit
    visit.save()
    return visit, scheduled


@transaction.atomic
def return_visit_record(*, actor: User, case: Case, result: str, method: str, note: str = "",
                        visited_at: datetime | None = None) -> tuple[Case, Evaluation, FieldVisit | None]:
    """Record a return visit on a replied case: by visit (also a 上门回访 field visit) or by phone. The result drives
    the case (不满意: handled again; workflow.return_visit_record). A case not yet replied is refused (409
    not_replied). Returns the case, its evaluation and the field visit made, if any."""
    require_visible(actor, case, _("未找到该信访事项。"), "case_not_found")
    if not (actor.has_perm("visits.change_returnvisit") or actor.has_perm("cases.handle_case")):
        raise NotPermitted()
    if method not in (EvaluationMethod.VISIT, EvaluationMethod.PHONE):
        raise invalid("method", _("请选择上门回访或电话回访。"))
    visited_at = visited_at or timezone.now()
    refuse_future(visited_at, "visited_at", _("回访时间不能晚于现在。"))
    if case.status != CaseStatus.REPLIED:
        raise Conflict(_("该事项当前为“%(status)s”，尚未答复，不能回访。") % {"status": case.get_status_display()},
                       code="not_replied")
    note = (note or "").strip()
    if result == Satisfaction.UNSATISFIED and not note:
        raise invalid("note", _("不满意的，请记录信访人的意见。"))
    visit = None
    if method == EvaluationMethod.VISIT:
        visit = FieldVisit.objects.create(
            kind=VisitKind.RETURN_HOME, region=case.region, visited_at=visited_at,
            is_night=is_night(visited_at, visit_settings_for(case.region, timezone.localdate(visited_at))),
            petitioner=case.lead_petitioner,
            household=case.lead_petitioner.name, summary=note or Satisfaction(result).label, recorded_by=actor)
        visit.cadres.set([actor])
        visit.cases.set([case])
    case, evaluation = case_services.record_evaluation(case=case, actor=actor, version=case.version, result=result,
                                                       method=method, note=note, at=visited_at)
    return case, evaluation, visit


@transaction.atomic
def return_visit_assign(*, actor: User, return_visit: ReturnVisit, assignee: User) -> ReturnVisit:
    """Give a pending return visit to another person in the jurisdiction (a commissioner, a grid worker)."""
    require_perm(actor, "cases.route_case")
    require_visible(actor, return_visit)
    if not scoped(User.objects.filter(pk=assignee.pk, is_active=True), actor).exists() \
            or not assignee.has_perm("visits.change_returnvisit"):
        raise invalid("assignee", _("请选择辖区内可以回访的人员。"))
    if not ReturnVisit.objects.filter(pk=return_visit.pk, status=ReturnVisitStatus.PENDING).update(assignee=assignee):
        raise Conflict(_("该回访已完成或已撤销。"), code="return_visit_closed")
    return_visit.refresh_from_db()
    case_services.timeline_event(return_visit.case, actor, "return_visit_assign",
                         _("回访交由%(name)s负责。") % {"name": assignee.display_name})
    return return_visit


# The petitioner's one-time answer link ----------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("answer", args=[token])


@transaction.atomic
def answer_link_create(*, actor: User, return_visit: ReturnVisit, channel: str) -> tuple[AnswerLink, str]:
    """A one-time link for the petitioner to answer the return visit. By SMS it is sent to the lead petitioner's
    phone (after commit, by Celery); as a QR code it is printed on the reply letter. Returns the link and its token,
    which is never stored (only its hash)."""
    require_visible(actor, return_visit)
    if not (actor.has_perm("visits.change_returnvisit") or actor.has_perm("cases.handle_case")):
        raise NotPermitted()
    if return_visit.status != ReturnVisitStatus.PENDING or return_visit.case.status != CaseStatus.REPLIED:
        raise Conflict(_("该回访已完成或已撤销。"), code="return_visit_closed")
    if channel not in LinkChannel.values:
        raise invalid("channel", _("请选择短信或二维码。"))
    phone = ""
    if channel == LinkChannel.SMS:
        phone = return_visit.case.lead_petitioner.phone_plain
        if not phone:
            raise invalid("channel", _("信访人没有登记电话，请改用二维码。"))
    if channel == LinkChannel.SMS and not settings.SMS_BACKEND:
        raise invalid("channel", _("本系统未配置短信网关，请改用二维码。"))
    if channel == LinkChannel.QR:
        # A reprinted letter replaces the last one: only the newest QR code works.
        AnswerLink.objects.filter(return_visit=return_visit, channel=LinkChannel.QR, used_at__isnull=True,
                                  expires_at__gt=timezone.now()).update(expires_at=timezone.now())
    token = secrets.token_urlsafe(24)
    days = visit_settings_for(return_visit.case.region).answer_link_days
    link = AnswerLink.objects.create(
        return_visit=return_visit, token_hash=_token_hash(token), channel=channel,
        sent_to=personal_data.mask_phone(phone) if phone else "", created_by=actor,
        expires_at=timezone.now() + timedelta(days=days))
    case = return_visit.case
    if phone:
        # The task gets the link's id and the token encrypted: no phone number or live link waits in the broker.
        enqueue("visits.tasks.send_answer_sms", link.pk, personal_data.encrypt(token))
    case_services.timeline_event(case, actor, "answer_link", _("生成评价链接（%(channel)s）%(to)s。") % {
        "channel": LinkChannel(channel).label, "to": link.sent_to})
    return link, token


def answer_sms_send(*, link_id: int, sealed_token: str) -> bool:
    """Send the SMS of an answer link (Celery, after the link was committed), once. Nothing is sent for a link that is
    no longer open. Returns whether the message is sent."""
    link = AnswerLink.objects.select_related("return_visit__case__lead_petitioner").filter(pk=link_id).first()
    if answer_link_state(link) != "open":
        return False
    case = link.return_visit.case
    days = max((link.expires_at - link.created_at).days, 1)
    text = _("【信访通】您反映的事项（%(number)s）已答复，请对办理结果作出评价：%(url)s"
             "（%(days)s天内有效，仅可使用一次）") % {
        "number": case.number, "url": answer_url(personal_data.decrypt(sealed_token)), "days": days}
    # At most once, whatever the task's retries: the message is recorded under the link before the gateway is called.
    message = message_send_once(key=f"answer_link:{link.pk}", channel=MessageChannel.SMS,
                                to=case.lead_petitioner.phone_plain, body=text, purpose="answer_link",
                                county_id=case.county_id)
    return message.state == MessageState.SENT


def answer_link_state(link: AnswerLink | None) -> str:
    """'missing', 'used', 'expired', 'closed' (the return visit was done another way) or 'open'."""
    if link is None:
        return "missing"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= timezone.now():
        return "expired"
    if link.return_visit.status != ReturnVisitStatus.PENDING or link.return_visit.case.status != CaseStatus.REPLIED:
        return "closed"
    return "open"


def answer_link_find(token: str) -> AnswerLink | None:
    return (AnswerLink.objects.select_related("return_visit__case").filter(token_hash=_token_hash(token or ""))
            .first())


ANSWER_REFUSALS = {
    "missing": (NotFound, gettext_noop("评价链接无效。"), "link_not_found"),
    "used": (Conflict, gettext_noop("该评价链接已使用过。"), "link_used"),
    "expired": (Conflict, gettext_noop("该评价链接已过期，请联系信访部门。"), "link_expired"),
    "closed": (Conflict, gettext_noop("该事项已完成回访，感谢您的评价。"), "already_answered"),
}


def answer_link_claim(*, token: str, result: str, note: str = "") -> tuple[Case, Evaluation]:
    """The petitioner's own answer (信访人自评), recorded as the case's evaluation (workflow.answer_link_submit
    follows it through). The link works once: it is claimed by a conditional UPDATE, so two submissions at once
    record one evaluation. Call inside a transaction."""
    link = answer_link_find(token)
    state = answer_link_state(link)
    if state != "open":
        error, message, code = ANSWER_REFUSALS[state]
        raise error(_(message), code=code)
    if result not in Satisfaction.values:
        raise invalid("result", _("请选择满意、基本满意或不满意。"))
    if not AnswerLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise Conflict(_(ANSWER_REFUSALS["used"][1]), code="link_used")
    case = Case.objects.select_for_update().get(pk=link.return_visit.case_id)
    return case_services.record_evaluation(case=case, actor=None, version=case.version, result=result,
                                           method=EvaluationMethod.LINK, note=(note or "")[:500])
