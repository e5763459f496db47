"""Online petitions meet the case: a caseworker registers a submission (a new case on the 网上信访 channel, or a
repeat of one), or refuses it with a reason the petitioner then sees; and the petitioner, from the public pages,
adds material, asks to withdraw, rates the answer and asks for a review; the caseworker answers those requests
(a review request registered as 复查 through the case's appeal step). One function per step, one transaction."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as cases
from cases.choices import (
    OPEN_STATUSES,
    AppealKind,
    AttachmentKind,
    CaseStatus,
    Channel,
    EvaluationMethod,
    Satisfaction,
)
from cases.models import Appeal, Attachment, Case
from cases.services import upload_check
from online import services as online
from online.choices import SubmissionState
from online.models import Submission
from online.selectors import petitioner_on_file, rated, review_deadline, review_window
from xinfang.errors import Conflict, NotFound, NotPermitted, invalid, required_text
from xinfang.org.models import Unit, User
from xinfang.org.scoping import scoped
from xinfang.org.services import audit_record

from .cases import case_register, case_request_appeal, evaluated

REGISTER = "online.register_submission"


def _locked(actor: User, submission: Submission) -> Submission:
    """The submission, locked, for a caseworker of its county who may register online petitions."""
    if not actor.has_perm(REGISTER):
        raise NotPermitted()
    if not scoped(Submission.objects.filter(pk=submission.pk), actor).exists():
        raise NotFound(_("未找到该网上信访件。"), code="not_found")
    return Submission.objects.select_for_update().get(pk=submission.pk)


def _pending(actor: User, submission: Submission) -> Submission:
    locked = _locked(actor, submission)
    if locked.state != SubmissionState.PENDING:
        raise Conflict(_("该网上信访件已处理（%(state)s）。") % {"state": locked.get_state_display()},
                       code="not_pending")
    return locked


@transaction.atomic
def submission_register(*, actor: User, submission: Submission, repeat_of: Case | None = None,
                        ip_address: str | None = None) -> Case:
    """Register the submission as a case (登记): on the 网上信访 channel, received when it was sent, the petitioner's
    files on the case; ``repeat_of`` makes it a repeat of that case (重复信访), as at the desk."""
    submission = _pending(actor, submission)
    # A person already on file stays as the file has them: a phone typed online (by anyone who knows a name and an
    # ID number) never replaces the registered one — the submission keeps it, and its page shows the difference.
    known = petitioner_on_file(submission)
    if known is not None and known.name != submission.name:
        raise Conflict(_("该身份证号码已登记为另一姓名的信访人，请核实后再登记或不予登记。"),
                       code="petitioner_name_mismatch")
    data = cases.CaseInput(
        channel=Channel.ONLINE, received_at=submission.created_at, lead=known,
        petitioner=cases.PetitionerInput(name=submission.name, id_number=submission.id_number_plain,
                                         phone=submission.phone_plain, address=submission.address,
                                         region=submission.region),
        category=submission.category, summary=submission.summary, region=submission.region,
        demands=_("事实和理由：%(facts)s\n诉求：%(demands)s") % {"facts": submission.facts,
                                                          "demands": submission.demands},
        repeat_of=repeat_of)
    case = case_register(actor=actor, data=data, ip_address=ip_address)
    Attachment.objects.bulk_create([
        Attachment(case=case, kind=AttachmentKind.OTHER, file=m.file.name, name=m.name, size=m.size,
                   content_type=m.content_type, uploaded_by=None) for m in submission.materials.all()])
    Submission.objects.filter(pk=submission.pk).update(state=SubmissionState.REGISTERED, case=case,
                                                       decided_by=actor, decided_at=timezone.now())
    audit_record(actor=actor, action="online.register", obj=submission, region=submission.county,
                 changes={"case": case.number, "repeat_of": repeat_of.number if repeat_of else None},
                 ip_address=ip_address)
    return case


@transaction.atomic
def submission_refuse(*, actor: User, submission: Submission, reason: str, ip_address: str | None = None
                      ) -> Submission:
    """Refuse to register it (不予登记), with the reason the petitioner will read on the query page."""
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写不予登记的理由，信访人将看到该理由。"))
    submission = _pending(actor, submission)
    Submission.objects.filter(pk=submission.pk).update(state=SubmissionState.REFUSED, refusal_reason=reason[:300],
                                                       decided_by=actor, decided_at=timezone.now())
    audit_record(actor=actor, action="online.refuse", obj=submission, region=submission.county,
                 changes={"reason": reason[:300]}, ip_address=ip_address)
    submission.refresh_from_db()
    return submission


# The petitioner's steps -----------------------------------------------------------------------------------

def _case_of(submission: Submission) -> Case | None:
    return Case.objects.select_for_update().filter(pk=submission.case_id).first() if submission.case_id else None


@transaction.atomic
def public_add_material(*, submission: Submission, files, ip: str | None = None) -> int:
    """More material (补充材料): on the submission while it waits, on the case while it is open."""
    files = list(files)
    if not files:
        raise invalid("files", _("请选择要上传的文件。"))
    online.ip_limit(ip, submission.county, "material")
    # Locked: a caseworker registering it at this moment waits, then the files go to the case.
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    case = _case_of(submission)
    held = submission.materials.count() + (case.attachments.filter(uploaded_by=None).count() if case else 0)
    if held + len(files) > online.MAX_FILES_IN_ALL:
        raise invalid("files", _("材料最多 %(n)s 份，已有 %(held)s 份。") % {"n": online.MAX_FILES_IN_ALL,
                                                                      "held": held})
    if len(files) > online.MAX_FILES:
        raise invalid("files", _("最多上传 %(n)s 个文件。") % {"n": online.MAX_FILES})
    for upload in files:
        upload_check(upload)
    if submission.state == SubmissionState.PENDING:
        online.materials_add(submission, files)
    elif case is not None and case.status in OPEN_STATUSES:
        for upload in files:
            Attachment.objects.create(case=case, kind=AttachmentKind.OTHER, file=upload, name=upload.name[:200],
                                      size=upload.size, content_type=upload.content_type or "", uploaded_by=None)
        cases.timeline_event(case, None, "public_material", _("信访人网上补充材料 %(n)s 份。") % {"n": len(files)})
    else:
        raise Conflict(_("该事项已办结，不能再补充材料。"), code="case_closed")
    online.public_audit("material", submission.county, ip, str(submission.pk), {"files": len(files)})
    return len(files)


@transaction.atomic
def public_withdraw(*, submission: Submission, reason: str, ip: str | None = None) -> Submission:
    """Withdraw (撤回): a submission still waiting is withdrawn at once; a registered open case gets the request on
    its timeline for the caseworker, who closes it as the law provides."""
    if submission.state == SubmissionState.PENDING:
        return online.submission_withdraw(submission=submission, reason=reason, ip=ip)
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写撤回理由。"))
    case = _case_of(submission)
    if case is None or case.status not in OPEN_STATUSES:
        raise Conflict(_("该信访件已处理完毕，不能撤回。"), code="not_open")
    if not Submission.objects.filter(pk=submission.pk, withdrawn_at__isnull=True).update(
            withdraw_reason=reason[:300], withdrawn_at=timezone.now()):
        raise Conflict(_("您已申请撤回，请等待工作人员处理。"), code="already_requested")
    cases.timeline_event(case, None, "public_withdraw", _("信访人网上申请撤回：%(reason)s") % {"reason": reason[:300]})
    online.public_audit("withdraw_request", submission.county, ip, str(submission.pk))
    submission.refresh_from_db()
    return submission


@transaction.atomic
def public_rate(*, submission: Submission, result: str, note: str = "", ip: str | None = None) -> Case:
    """The petitioner rates the reply (满意 / 基本满意 / 不满意): recorded as a return visit by the petitioner, as the
    answer link does; an 不满意 sends the case back to be handled again."""
    case = _case_of(submission)
    if case is None or case.status != CaseStatus.REPLIED:
        raise Conflict(_("答复意见送达后才能评价。"), code="not_replied")
    if rated(case):
        raise Conflict(_("该答复已评价过，感谢您的评价。"), code="already_rated")
    if result not in Satisfaction.values:
        raise invalid("result", _("请选择满意、基本满意或不满意。"))
    case, evaluation = cases.record_evaluation(case=case, actor=None, version=case.version, result=result,
                                               method=EvaluationMethod.LINK, note=(note or "").strip()[:500])
    evaluated(case, evaluation, None)
    online.public_audit("rate", submission.county, ip, str(submission.pk), {"result": result})
    return case


@transaction.atomic
def public_request_review(*, submission: Submission, reason: str, ip: str | None = None) -> Submission:
    """A review request (复查申请) within the window after the reply: on the case's timeline and in the intake queue,
    for the caseworker to register with the reviewing body."""
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请写明申请复查的理由。"))
    case = _case_of(submission)
    if case is None or case.replied_at is None or case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED):
        raise Conflict(_("处理意见送达后才能申请复查。"), code="not_replied")
    if timezone.localdate() > review_deadline(case):
        raise Conflict(_("已超过申请复查的期限（收到处理意见之日起 %(n)s 日）。") % {
            "n": review_window(case)}, code="review_window_passed")
    if case.is_final or case.appeals.exists():
        raise Conflict(_("该事项已经复查（复核），请到信访接待场所办理后续事项。"), code="already_reviewed")
    if not Submission.objects.filter(pk=submission.pk, review_requested_at__isnull=True).update(
            review_reason=reason[:500], review_requested_at=timezone.now()):
        raise Conflict(_("您已申请复查，请等待工作人员处理。"), code="already_requested")
    cases.timeline_event(case, None, "public_review", _("信访人网上申请复查：%(reason)s") % {"reason": reason[:300]})
    online.public_audit("review_request", submission.county, ip, str(submission.pk))
    submission.refresh_from_db()
    return submission



# The caseworker answers the petitioner's requests ------------------------------------------------------------

REQUESTS = {"withdraw": ("withdrawn_at", "withdraw_answer", "withdraw_answered_at"),
            "review": ("review_requested_at", "review_answer", "review_answered_at")}


def _open_request(actor: User, submission: Submission, kind: str) -> Submission:
    """The submission, locked, with a request of ``kind`` still waiting for an answer (409 otherwise)."""
    submission = _locked(actor, submission)
    asked, _answer, answered = REQUESTS[kind]
    if submission.state != SubmissionState.REGISTERED or getattr(submission, asked) is None:
        raise Conflict(_("信访人没有提出该申请。"), code="no_request")
    if getattr(submission, answered) is not None:
        raise Conflict(_("该申请已处理。"), code="request_answered")
    return submission


def _answer(actor: User, submission: Submission, kind: str, answer: str, ip_address: str | None) -> None:
    _asked, answer_field, answered = REQUESTS[kind]
    Submission.objects.filter(pk=submission.pk).update(**{answer_field: answer, answered: timezone.now()})
    label = _("撤回申请") if kind == "withdraw" else _("复查申请")
    message = _("信访人网上%(request)s已处理：%(answer)s") % {"request": label, "answer": answer}
    cases.timeline_event(submission.case, actor, f"public_{kind}_answer", message)
    audit_record(actor=actor, action=f"online.{kind}_answer", obj=submission, region=submission.county,
                 changes={"answer": answer}, ip_address=ip_address)


@transaction.atomic
def request_answer(*, actor: User, submission: Submission, kind: str, answer: str,
                   ip_address: str | None = None) -> Submission:
    """The caseworker answers a request (``kind``: "withdraw" or "review") with what was done — the withdrawal
    agreed and the matter ended as the law provides, or why it goes on; a review request that is not to be
    registered here, and why — which the petitioner reads on the query page. The request leaves the queue."""
    if kind not in REQUESTS:
        raise invalid("kind", _("未知的申请类型。"))
    answer = required_text(answer, "answer", _("请填写处理结果，信访人将在查询页看到。"))[:300]
    submission = _open_request(actor, submission, kind)
    _answer(actor, submission, kind, answer, ip_address)
    submission.refresh_from_db()
    return submission


@transaction.atomic
def review_register(*, actor: User, submission: Submission, reviewing_unit: Unit | None,
                    ip_address: str | None = None) -> Appeal:
    """The petitioner's review request registered as a 复查 with the reviewing body, through the case's own appeal
    step (``case_request_appeal``: its checks, the return visit withdrawn, the reviewing body's clock), with the
    petitioner's reason; the request is answered with the body's name and leaves the queue."""
    if reviewing_unit is None:
        raise invalid("reviewing_unit", _("请选择复查机关。"))
    submission = _open_request(actor, submission, "review")
    case = Case.objects.select_for_update().get(pk=submission.case_id)
    appeal = case_request_appeal(actor=actor, case=case, version=case.version, kind=AppealKind.REVIEW,
                                 reviewing_unit=reviewing_unit, reason=submission.review_reason)
    _answer(actor, submission, "review", _("已转%(unit)s复查。") % {"unit": reviewing_unit.name}, ip_address)
    return appeal
