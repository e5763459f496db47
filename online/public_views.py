"""The petitioner's own pages (网上信访), under /public/<county code>/: no staff session or navigation, their own
templates, made for a phone. Thin: each page reads its form and calls one service or workflow step."""

import time
from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visits.selectors import public_county
from workflow import online as steps
from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.pages import pdf_response

from . import selectors, services
from .forms import RateForm, SubmitForm, TrackForm
from .models import Submission

GRANT = "online_granted"
GRANT_SECONDS = 30 * 60  # the query page stays open half an hour after the code and digits were given


def _county(code):
    county = public_county(code=code)
    if county is None:
        raise Http404
    return county


def landing(request, code):
    county = _county(code)
    return render(request, "public/landing.html", {"county": county})


def submit(request, code):
    county = _county(code)
    form = SubmitForm(request.POST or None, request.FILES or None)
    errors, sent, status = {}, False, 200
    if request.method == "POST" and not form.is_valid():
        errors, status = {k: list(v) for k, v in form.errors.items()}, 400
    elif request.method == "POST":
        data = form.cleaned_data
        try:
            services.challenge_check(data["challenge_token"], data["challenge"])
            if request.POST.get("action") == "code":
                services.phone_code_send(county=county, phone=data["phone"], purpose="submit",
                                         ip=client_ip(request))
                sent = True
            else:
                submission, query_code = services.submission_create(county=county, ip=client_ip(request),
                                                                    data=services.submission_input(data))
                request.session["online_submitted"] = {"code": query_code, "pk": submission.pk}
                _grant(request, submission)
                return redirect("public:submitted", code=code)
        except ApplicationError as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.detail.items()} or {"general": [str(exc.message)]}
            status = exc.status
    regions, categories = selectors.public_choices(county)
    return render(request, "public/submit.html", {
        "county": county, "form": form, "errors": errors, "sent": sent, "challenge": services.challenge_new(),
        "regions": regions, "categories": categories, "data": request.POST}, status=status)


def submitted(request, code):
    county = _county(code)
    shown = request.session.pop("online_submitted", None)  # the query code is shown once
    if shown is None:
        return redirect("public:track", code=code)
    return render(request, "public/submitted.html", {"county": county, "query_code": shown["code"]})


def _grant(request, submission: Submission) -> None:
    request.session[GRANT] = {"pk": submission.pk, "until": time.time() + GRANT_SECONDS}


def petitioners_own(view):
    """A page of the petitioner's own petition: the one their query code opened in this session, in this county,
    within the half hour; otherwise back to the query page."""
    @wraps(view)
    def wrapped(request, code, *args, **kwargs):
        county = _county(code)
        grant = request.session.get(GRANT) or {}
        submission = (selectors.submission_public(pk=grant.get("pk"), county=county)
                      if grant.get("until", 0) >= time.time() else None)
        if submission is None:
            return redirect("public:track", code=code)
        return view(request, county, submission, *args, **kwargs)

    return wrapped


def track(request, code):
    county = _county(code)
    form = TrackForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.challenge_check(data["challenge_token"], data["challenge"])
            submission = services.submission_find(county=county, query_code=data["query_code"],
                                                  last_four=data["last_four"], ip=client_ip(request))
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status
        else:
            _grant(request, submission)
            return redirect("public:mine", code=code)
    return render(request, "public/track.html", {"county": county, "form": form, "error": error,
                                                 "challenge": services.challenge_new()}, status=status)


@petitioners_own
def mine(request, county, submission):
    return render(request, "public/mine.html", {
        "county": county, "s": submission, "status": selectors.public_status(submission), "rate_form": RateForm()})


@require_POST
@petitioners_own
def mine_action(request, county, submission, action):
    ip = client_ip(request)
    try:
        if action == "material":
            n = steps.public_add_material(submission=submission, files=request.FILES.getlist("files"), ip=ip)
            messages.success(request, _("已收到您补充的 %(n)s 份材料。") % {"n": n})
        elif action == "withdraw":
            steps.public_withdraw(submission=submission, reason=request.POST.get("reason", ""), ip=ip)
            messages.success(request, _("已收到您的撤回申请。"))
        elif action == "rate":
            steps.public_rate(submission=submission, result=request.POST.get("result", ""),
                              note=request.POST.get("note", ""), ip=ip)
            messages.success(request, _("感谢您的评价。"))
        elif action == "review":
            steps.public_request_review(submission=submission, reason=request.POST.get("reason", ""), ip=ip)
            messages.success(request, _("已收到您的复查申请，工作人员将转复查机关办理。"))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("public:mine", code=county.code)


DOCUMENTS = {"accepted": "public/doc_accepted.html", "not_accepted": "public/doc_not_accepted.html",
             "reply": "public/doc_reply.html"}


@petitioners_own
def document(request, county, submission, kind):
    """A document the petitioner is owed, as a printable page, or a PDF where the server can make one."""
    status = selectors.public_status(submission)
    if kind not in DOCUMENTS or kind not in {k for k, _label in status.documents}:
        raise Http404
    case = submission.case
    # Each document is dated the day of the decision it tells of.
    dated = {"accepted": case.accepted_at, "not_accepted": case.closed_at, "reply": case.replied_at}[kind]
    notice = services.notice_issue(case=case, kind=kind, on=dated or timezone.now())
    context = {"county": county, "s": submission, "case": case, "status": status, "kind": kind, "notice": notice,
               "doc_date": timezone.localtime(dated) if dated else timezone.localdate(),
               "window": services.public_rules(county).review_window_days}
    if request.GET.get("format") != "pdf":
        return render(request, DOCUMENTS[kind], context)
    html = render_to_string(DOCUMENTS[kind], {**context, "pdf": True}, request=request)
    return pdf_response(request, html, f"{case.number}-{kind}.pdf")
