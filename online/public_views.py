"""The petitioner's own pages (网上信访), under /public/<county code>/: no staff session or navigation, their own
templates, made for a phone. Thin: each page reads its form and calls one service or workflow step."""

import time
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visits.selectors import public_county
from workflow import online as steps
from xinfang.errors import ApplicationError, NotFound, RateLimited
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
    challenge = _challenge(request, county)
    return render(request, "public/submit.html", {
        "county": county, "form": form, "errors": errors, "sent": sent, "challenge": challenge,
        "regions": regions, "categories": categories, "data": request.POST}, status=_status(challenge, status))


def _challenge(request, county) -> dict:
    """The form's question, or none and the reason (429) once the address has had the county's number this hour."""
    try:
        return services.challenge_new(county=county, ip=client_ip(request))
    except RateLimited as exc:
        return {"question": "", "token": "", "refused": str(exc.message)}


def _status(challenge: dict, status: int) -> int:
    return RateLimited.status if challenge.get("refused") and status == 200 else status


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
    """The query page, two ways: the query code and the phone's last four digits, or the query code and an SMS code
    sent to the phone on file (asked for with the same form: "获取验证码")."""
    county = _county(code)
    form = TrackForm(request.POST or None)
    error, sent, status = "", False, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Enter in the form sends it without a button: the way is the one whose field was filled.
        action = data["action"] or ("sms" if data["code"] and not data["last_four"] else "digits")
        ip = client_ip(request)
        try:
            services.challenge_check(data["challenge_token"], data["challenge"])
            if action == "code":
                services.track_code_send(county=county, query_code=data["query_code"], ip=ip)
                sent = True
            elif action == "sms":
                submission = services.submission_find_by_code(county=county, query_code=data["query_code"],
                                                               code=data["code"], ip=ip)
            else:
                submission = services.submission_find(county=county, query_code=data["query_code"],
                                                      last_four=data["last_four"], ip=ip)
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status
        else:
            if not sent:
                _grant(request, submission)
                return redirect("public:mine", code=code)
    elif request.method == "POST":
        error, status = _("请按提示填写查询码和手机号后四位或短信验证码。"), 400
    challenge = _challenge(request, county)
    return render(request, "public/track.html", {"county": county, "form": form, "error": error, "sent": sent,
                                                 "challenge": challenge}, status=_status(challenge, status))


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


def document_response(request, county, submission, kind: str, *, pdf: bool) -> HttpResponse:
    """A document the petitioner is owed (受理告知书, 不予受理告知书, 处理意见书) as its printable page or a PDF — for
    the pages and the API alike. Not owed yet (or no such kind): NotFound; a PDF within the county's limits only."""
    status = selectors.public_status(submission)
    if kind not in DOCUMENTS or kind not in {k for k, _label in status.documents}:
        raise NotFound(_("该文书尚未出具。"), code="document_not_owed")
    if pdf:
        services.pdf_limit(submission=submission, ip=client_ip(request))
    case = submission.case
    # Each document is dated the day of the decision it tells of.
    dated = {"accepted": case.accepted_at, "not_accepted": case.closed_at, "reply": case.replied_at}[kind]
    notice = services.notice_issue(case=case, kind=kind, on=dated or timezone.now())
    context = {"county": county, "s": submission, "case": case, "status": status, "kind": kind, "notice": notice,
               "doc_date": timezone.localtime(dated) if dated else timezone.localdate(),
               "window": selectors.review_window(case) if case.replied_at else None}
    if not pdf:
        return render(request, DOCUMENTS[kind], context)
    html = render_to_string(DOCUMENTS[kind], {**context, "pdf": True}, request=request)
    return pdf_response(request, html, f"{case.number}-{kind}.pdf")


@petitioners_own
def document(request, county, submission, kind):
    """A document the petitioner is owed, as a printable page, or a PDF where the server can make one."""
    try:
        return document_response(request, county, submission, kind, pdf=request.GET.get("format") == "pdf")
    except NotFound as exc:
        raise Http404 from exc
    except RateLimited as exc:
        return HttpResponse(_("生成PDF过于频繁，请稍后再试，或使用打印页面。"), status=exc.status,
                            content_type="text/plain; charset=utf-8")
