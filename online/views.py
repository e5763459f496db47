"""The caseworker's side of online petitions: the intake queue (marked 网上信访) and one submission with the
petitioner's earlier cases and similar open ones, to register it, register it as a repeat, or refuse it; and, once
registered, the petitioner's requests to answer (a review request registered as 复查)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from workflow import online as steps
from xinfang.errors import ApplicationError
from xinfang.http import client_ip

from . import selectors

VIEW = "online.view_submission"


@login_required
@permission_required(VIEW, raise_exception=True)
def queue(request):
    return render(request, "online/queue.html", selectors.queue(user=request.user))


@login_required
@permission_required(VIEW, raise_exception=True)
def detail(request, pk):
    submission = get_object_or_404(selectors.submission_list(user=request.user), pk=pk)
    history = case_selectors.petitioner_history(user=request.user, id_number=submission.id_number_plain,
                                                phone=submission.phone_plain)
    similar = case_selectors.similar_open_cases(user=request.user, region=submission.region,
                                                category=submission.category)
    on_file = selectors.petitioner_on_file(submission)
    requests = selectors.open_requests(submission)
    return render(request, "online/detail.html", {
        "s": submission, "history": history, "similar": similar, "materials": submission.materials.all(),
        "on_file": on_file, "phone_differs": on_file is not None and on_file.phone_hash != submission.phone_hash,
        "requests": requests,
        "reviewing_units": case_selectors.reviewing_units_for(submission.case) if "review" in requests else ()})


@login_required
@require_POST
@permission_required(steps.REGISTER, raise_exception=True)
def decide(request, pk):
    submission = get_object_or_404(selectors.submission_list(user=request.user), pk=pk)
    action = request.POST.get("action")
    if action not in ("register", "repeat", "refuse"):
        messages.error(request, _("请选择登记、按重复信访登记或不予登记。"))
        return redirect("online:detail", pk=submission.pk)
    try:
        if action == "refuse":
            steps.submission_refuse(actor=request.user, submission=submission, reason=request.POST.get("reason", ""),
                                    ip_address=client_ip(request))
            messages.success(request, _("已不予登记，信访人可在查询页看到理由。"))
            return redirect("online:queue")
        repeat_of = None
        if action == "repeat":
            repeat_of = case_selectors.case_list(user=request.user).filter(
                number=request.POST.get("repeat_of", "").strip()).first()
            if repeat_of is None:
                raise ApplicationError(_("请填写被重复的信访事项编号（须在您的辖区内）。"))
        case = steps.submission_register(actor=request.user, submission=submission, repeat_of=repeat_of,
                                         ip_address=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("online:detail", pk=submission.pk)
    messages.success(request, _("已登记为信访事项 %(number)s。") % {"number": case.number})
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
@permission_required(steps.REGISTER, raise_exception=True)
def answer(request, pk):
    """The petitioner's request answered: a withdrawal or review request with what was done, or a review request
    registered as 复查 with the reviewing body chosen."""
    submission = get_object_or_404(selectors.submission_list(user=request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "review_register":
            unit = request.POST.get("reviewing_unit", "")
            reviewing_unit = (case_selectors.reviewing_units_for(submission.case).filter(pk=unit).first()
                              if unit.isascii() and unit.isdigit() and submission.case_id else None)
            steps.review_register(actor=request.user, submission=submission, reviewing_unit=reviewing_unit,
                                  ip_address=client_ip(request))
            messages.success(request, _("已登记为复查，信访人可在查询页看到。"))
        elif action in ("withdraw", "review"):
            steps.request_answer(actor=request.user, submission=submission, kind=action,
                                 answer=request.POST.get("answer", ""), ip_address=client_ip(request))
            messages.success(request, _("已处理，信访人可在查询页看到处理结果。"))
        else:
            messages.error(request, _("请选择要处理的申请。"))
            return redirect("online:detail", pk=submission.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("online:detail", pk=submission.pk)
    return redirect("online:queue")
