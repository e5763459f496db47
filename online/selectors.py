"""Reads of the online petitions app: the staff's intake queue (within their jurisdiction) and what the petitioner
is shown of their own petition — its public status, never a note, an officer's name (unless the county allows it) or
another person's data."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATUSES, CaseStatus
from cases.models import Appeal, Case, Category, Evaluation, Petitioner
from cases.selectors import replier
from xinfang.org.models import Region
from xinfang.org.scoping import scoped

from .choices import SubmissionState
from .models import Submission
from .services import public_rules


def rated(case: Case) -> bool:
    """Whether the petitioner (or a return visit) already rated the current reply."""
    return case.replied_at is not None and Evaluation.objects.filter(case=case,
                                                                     recorded_at__gte=case.replied_at).exists()


def review_window(case: Case) -> int:
    """The days a review (复查) may be asked for after the reply: the county's window in force on the reply's day,
    which its 处理意见书 states (a later change of the setting does not move a deadline already told)."""
    on = timezone.localtime(case.replied_at).date() if case.replied_at else None
    return public_rules(case.county, on).review_window_days


def review_deadline(case: Case):
    """The last day a review (复查) may be asked for: the county's window from the reply."""
    if case.replied_at is None:
        return None
    return (timezone.localtime(case.replied_at) + timedelta(days=review_window(case))).date()


def queue(*, user):
    """Online submissions waiting for a caseworker, oldest first, and the petitioners' requests on registered cases
    (to withdraw, to review) not yet answered — a review request also leaves once the case has an appeal, registered
    from here or on the case page."""
    rows = scoped(Submission.objects.all(), user).select_related("region", "category__parent", "case")
    has_appeal = Exists(Appeal.objects.filter(case=OuterRef("case")))
    return {
        "pending": rows.filter(state=SubmissionState.PENDING).order_by("created_at", "id"),
        "requests": rows.filter(state=SubmissionState.REGISTERED).annotate(has_appeal=has_appeal).filter(
            Q(withdrawn_at__isnull=False, withdraw_answered_at__isnull=True)
            | Q(review_requested_at__isnull=False, review_answered_at__isnull=True, has_appeal=False))
        .order_by("created_at", "id"),
    }


def open_requests(submission: Submission) -> dict:
    """The petitioner's requests on a registered case still waiting for the caseworker: {"withdraw": reason,
    "review": reason}."""
    out = {}
    if submission.state != SubmissionState.REGISTERED:
        return out
    if submission.withdrawn_at and not submission.withdraw_answered_at:
        out["withdraw"] = submission.withdraw_reason
    if (submission.review_requested_at and not submission.review_answered_at
            and not Appeal.objects.filter(case_id=submission.case_id).exists()):
        out["review"] = submission.review_reason
    return out


def submission_list(*, user):
    return scoped(Submission.objects.all(), user).select_related("region", "category__parent", "case", "decided_by")


@dataclass
class PublicStatus:
    """What the query page says: where the matter stands, in the petitioner's words."""

    label: str
    tone: str  # a Bootstrap colour
    steps: list = field(default_factory=list)  # (label, when or None)
    reason: str = ""
    unit: str = ""
    officer: str = ""
    reply: str = ""
    replied_at: object = None
    documents: list = field(default_factory=list)  # (kind, label)
    can_add_material: bool = False
    can_withdraw: bool = False
    can_rate: bool = False
    can_review: bool = False
    review_deadline: object = None
    rating: str = ""
    appeal: str = ""  # a decided review's (or re-review's) opinion
    requests: list = field(default_factory=list)  # the petitioner's requests: {kind, label, answer, answered_at}


def public_status(submission: Submission) -> PublicStatus:
    """The petition's public status: its steps with their dates, the reason of a refusal, the unit handling it, the
    reply, the documents owed (受理告知书 / 不予受理告知书, 处理意见书) and what the petitioner may do now."""
    steps = [(_("已提交"), submission.created_at)]
    if submission.state == SubmissionState.PENDING:
        return PublicStatus(_("已提交，等待登记"), "secondary", steps, can_add_material=True, can_withdraw=True)
    if submission.state == SubmissionState.WITHDRAWN:
        return PublicStatus(_("已撤回"), "secondary", [*steps, (_("已撤回"), submission.withdrawn_at)],
                            reason=submission.withdraw_reason)
    if submission.state == SubmissionState.REFUSED:
        return PublicStatus(_("不予登记"), "danger", [*steps, (_("不予登记"), submission.decided_at)],
                            reason=submission.refusal_reason)
    case = submission.case
    steps.append((_("已登记"), submission.decided_at))
    status = PublicStatus(_("已登记，等待受理"), "info", steps)
    if case.accepted_at:
        steps.append((_("已受理"), case.accepted_at))
        status.label, status.tone = _("已受理"), "primary"
        status.documents.append(("accepted", _("受理告知书")))
    # A decision that ended the office's part (before or after acceptance) is what the page says last.
    if case.status == CaseStatus.NOT_ACCEPTED:
        steps.append((_("不予受理"), case.closed_at))
        status.label, status.tone, status.reason = _("不予受理"), "danger", case.outcome_reason
        status.documents.append(("not_accepted", _("不予受理告知书")))
    elif case.status == CaseStatus.FORWARDED:
        steps.append((_("已转送"), case.closed_at))
        status.label, status.tone = _("已转送 %(body)s 处理") % {"body": case.forwarded_to}, "warning"
        status.reason = case.outcome_reason
    elif case.status == CaseStatus.DIVERTED:
        steps.append((_("导入法律程序"), case.closed_at))
        status.label, status.tone, status.reason = _("请通过法定途径解决"), "warning", case.outcome_reason
    if case.assigned_at and case.lead_unit_id:
        steps.append((_("已交办"), case.assigned_at))
        status.unit = case.lead_unit.name
        status.label = _("办理中")
    if case.replied_at:
        steps.append((_("已答复"), case.replied_at))
        status.label, status.tone = _("已答复"), "success"
        status.reply, status.replied_at = case.reply_text, case.replied_at
        status.documents.append(("reply", _("处理意见书")))
        status.review_deadline = review_deadline(case)
        last = Evaluation.objects.filter(case=case, recorded_at__gte=case.replied_at).order_by("-recorded_at").first()
        status.rating = last.get_result_display() if last else ""
        status.can_rate = case.status == CaseStatus.REPLIED and not rated(case)
        appeal = case.appeals.exclude(outcome="").order_by("-decided_at").first()
        if appeal is not None:
            status.appeal = _("%(kind)s意见：%(decision)s") % {"kind": appeal.get_kind_display(),
                                                            "decision": appeal.decision}
        # One review from here: once an appeal exists (or the matter is final) the next step is the desk's.
        status.can_review = (case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED)
                             and not submission.review_requested_at and not case.is_final
                             and not case.appeals.exists() and timezone.localdate() <= status.review_deadline)
    if case.status == CaseStatus.HANDLING and case.replied_at:
        status.label, status.tone = _("重新办理中"), "warning"
    if case.status == CaseStatus.CLOSED:
        steps.append((_("已办结"), case.closed_at))
        status.label, status.tone = _("已办结"), "success"
    if case.status in (CaseStatus.REVIEWING, CaseStatus.RE_REVIEWING):
        status.label, status.tone = case.get_status_display(), "warning"
    if public_rules(case.county).show_officer_names and case.replied_at:
        officer = replier(case)
        status.officer = officer.name if officer else ""
    status.can_add_material = case.status in OPEN_STATUSES
    status.can_withdraw = case.status in OPEN_STATUSES and not submission.withdrawn_at
    status.requests = _requests(submission)
    return status


def _requests(submission: Submission) -> list[dict]:
    """Each request the petitioner made on the registered case, waiting or with the caseworker's answer. A review
    request the case page registered as an appeal says no more: the status (复查中) tells it."""
    waiting = open_requests(submission)
    out = []
    for kind, asked, answer, answered_at, pending, done in (
            ("withdraw", submission.withdrawn_at, submission.withdraw_answer, submission.withdraw_answered_at,
             _("已申请撤回，等待工作人员处理"), _("撤回申请的处理结果")),
            ("review", submission.review_requested_at, submission.review_answer, submission.review_answered_at,
             _("已申请复查，等待工作人员处理"), _("复查申请的处理结果"))):
        if asked is None:
            continue
        if kind in waiting:
            out.append({"kind": kind, "label": pending, "answer": "", "answered_at": None})
        elif answered_at is not None:
            out.append({"kind": kind, "label": done, "answer": answer, "answered_at": answered_at})
    return out


def submission_public(*, pk, county):
    """The petitioner's own submission (the one their query code opened), with its case."""
    return Submission.objects.select_related("case__lead_unit", "case__county", "county").filter(
        pk=pk, county=county).first() if pk else None


def public_choices(county):
    """What the submit form offers: the county's townships with their villages and communities, and its active
    categories under their top level (a top level's own cases as "（其他）")."""
    regions = (Region.objects.filter(path__startswith=county.path, level__gt=county.level).select_related("parent")
               .order_by("path"))
    places = {}
    for r in regions:
        township = r if r.level == county.level + 1 else r.parent
        places.setdefault(township.pk, (township.name, []))[1].append((r.pk, r.name))
    categories = {}
    for c in Category.objects.filter(county=county, is_active=True).select_related("parent").order_by(
            "parent__sort_order", "parent_id", "sort_order", "id"):
        top = c.parent or c
        categories.setdefault(top.pk, (top.name, []))[1].append(
            (c.pk, c.name if c.parent_id else _("%(name)s（其他）") % {"name": c.name}))
    return list(places.values()), list(categories.values())


def petitioner_on_file(submission: Submission):
    """The county's registered petitioner with the submission's ID number, if any (registration keeps their
    details; the page says when the phone typed online differs)."""
    return Petitioner.objects.filter(county=submission.county_id, id_hash=submission.id_hash).first()
