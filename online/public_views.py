"""The petitioner's own pages (网上信访), under /public/<county code>/: no staff session or navigation, their own
templates, made for a phone. Thin: each page reads its form and calls one service or workflow step."""

import time

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Category
from visits.selectors import public_county
from workflow import online as steps
from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.org.models import Region

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


def _choices(county):
    regions = (Region.objects.filter(path__startswith=county.path, level__gt=county.level).select_related("parent")
               .order_by("path"))
    groups = {}
    for r in regions:
        township = r if r.level == county.level + 1 else r.parent
        groups.setdefault(township.pk, (township.name, []))[1].append((r.pk, r.name))
    categories = {}
    for c in Category.objects.filter(county=county, is_active=True).select_related("parent").order_by(
            "parent__sort_order", "parent_id", "sort_order", "id"):
        top = c.parent or c
        categories.setdefault(top.pk, (top.name, []))[1].append((c.pk, c.name if c.parent_id else _("%(name)s（其他）")
                                                                  % {"name": c.name}))
    return list(groups.values()), list(categories.values())


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
                submission, query_code = services.submission_create(county=county, ip=client_ip(request), data=(
                    services.SubmissionInput(
                        name=data["name"], id_number=data["id_number"], phone=data["phone"], code=data["code"],
                        region=Region.objects.filter(pk=data["region"]).first() if data["region"] else None,
                        category=Category.objects.filter(pk=data["category"]).first() if data["category"] else None,
                        summary=data["summary"], facts=data["facts"], demands=data["demands"],
                        promised=data["promised"], address=data["address"], files=data["files"])))
                request.session["online_submitted"] = {"code": query_code, "pk": submission.pk}
                _grant(request, submission)
                return redirect("public:submitted", code=code)
        except ApplicationError as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.detail.items()} or {"general": [str(exc.message)]}
            status = exc.status
    regions, categories = _choices(county)
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


def _granted(request, county) -> Submission:
    grant = request.session.get(GRANT) or {}
    if grant.get("until", 0) < time.time():
        raise _GoTrack
    found = selectors.submission_public(pk=grant.get("pk"), county=county)
    if found is None:
        raise _GoTrack
    return found


class _GoTrack(Exception):
    pass


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


def mine(request, code):
    county = _county(code)
    try:
        submission = _granted(request, county)
    except _GoTrack:
        return redirect("public:track", code=code)
    return render(request, "public/mine.html", {
        "county": county, "s": submission, "status": selectors.public_status(submission), "rate_form": RateForm()})


@require_POST
def mine_action(request, code, action):
    county = _county(code)
    try:
        submission = _granted(request, county)
    except _GoTrack:
        return redirect("public:track", code=code)
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
    return redirect("public:mine", code=code)


DOCUMENTS = {"accepted": "public/doc_accepted.html", "not_accepted": "public/doc_not_accepted.html",
             "reply": "public/doc_reply.html"}


def document(request, code, kind):
    """A document the petitioner is owed, as a printable page, or a PDF where the server can make one."""
    county = _county(code)
    try:
        submission = _granted(request, county)
    except _GoTrack:
        return redirect("public:track", code=code)
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
    try:
        import weasyprint  # lazy: an optional dependency, as for the dossier's file
    except (ImportError, OSError):
        return HttpResponse(_("服务器暂不能生成PDF，请使用打印页面。"), status=503,
                            content_type="text/plain; charset=utf-8")
    html = render_to_string(DOCUMENTS[kind], {**context, "pdf": True}, request=request)
    response = HttpResponse(weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(),
                            content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{submission.case.number}-{kind}.pdf")
    return response
