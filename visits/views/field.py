"""Pages of field work: field and night visits, return visits (with the petitioner's public one-time answer page and
the printable reply letter carrying its QR code), meetings, duty rules and their compliance, statistics and the
county's visit settings.

Thin, like every page here: parse a form, call one service or selector, say what happened. A refusal comes back as
the service's Chinese message and nothing changes; objects outside the jurisdiction are 404 (scoped selectors)."""

from datetime import date, timedelta

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

import workflow
from cases import selectors as case_selectors
from cases.choices import Satisfaction
from xinfang.dates import parse_day
from xinfang.errors import ApplicationError, ValidationFailed
from xinfang.org.selectors import user_county
from xinfang.pages import PAGE_SIZE, filtered_page, form_service_error, get_or_404, redirect_back

from .. import selectors, services
from ..choices import LinkChannel, ReturnVisitStatus
from ..filtersets import FieldVisitFilterSet, MeetingFilterSet, ReturnVisitFilterSet
from ..forms.field import (
    FieldVisitForm,
    MeetingForm,
    ReturnVisitForm,
    return_visitors_in_scope,
)

# Field visits ---------------------------------------------------------------------------------------------

@login_required
@permission_required("visits.view_fieldvisit", raise_exception=True)
def field_list(request):
    """Field visits through their FilterSet, and the period's summary by township and by cadre (default: this
    month, or the filter's dates)."""
    context = filtered_page(request, FieldVisitFilterSet, selectors.field_visit_list(user=request.user), {})
    today = timezone.localdate()
    start, ok_start = parse_day(request.GET.get("visited_after"), today.replace(day=1))
    end, ok_end = parse_day(request.GET.get("visited_before"), today)
    if not (ok_start and ok_end) or end < start:
        start, end = today.replace(day=1), today
    context.update(summary=selectors.field_visit_summary(user=request.user, start=start, end=end),
                   period_start=start, period_end=end)
    return render(request, "visits/field_list.html", context)


@login_required
@permission_required("visits.record_field_visit", raise_exception=True)
def field_new(request):
    """The phone form: a visit in the field, recorded on the spot."""
    form = FieldVisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.field_visit_record(actor=request.user, data=services.FieldVisitInput(
                kind=data["kind"], region=data["region"], visited_at=data["visited_at"], summary=data["summary"],
                cadres=list(data["cadres"]), issues_found=data["issues_found"], household=data["household"],
                cases=data["case_numbers"]))
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            if visit.is_night:
                messages.success(request, _("已登记%(kind)s，计为夜访。") % {"kind": visit.get_kind_display()})
            else:
                messages.success(request, _("已登记%(kind)s（不计为夜访）。") % {"kind": visit.get_kind_display()})
            return redirect("visits:field_detail", pk=visit.pk)
    return render(request, "visits/field_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@permission_required("visits.view_fieldvisit", raise_exception=True)
def field_detail(request, pk):
    visit = get_or_404(selectors.field_visit_list(user=request.user), pk)
    return render(request, "visits/field_detail.html", {"visit": visit})


# Return visits --------------------------------------------------------------------------------------------

@login_required
@permission_required("visits.view_returnvisit", raise_exception=True)
def return_visit_list(request):
    """两个标签: 我的回访 (the user's pending work list) and all return visits of the jurisdiction (pending by
    default)."""
    tab = "all" if request.GET.get("tab") == "all" else "mine"
    if tab == "all":
        context = filtered_page(request, ReturnVisitFilterSet, selectors.return_visit_list(user=request.user),
                                 {"status": ReturnVisitStatus.PENDING, "tab": "all"})
    else:
        page = Paginator(selectors.my_return_visits(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "query": "tab=mine"}
    user = request.user
    can_route = user.has_perm("cases.route_case")
    context.update(
        tab=tab, today=timezone.localdate(), can_route=can_route,
        can_visit=user.has_perm("visits.change_returnvisit") or user.has_perm("cases.handle_case"),
        assignees=list(return_visitors_in_scope(user)) if can_route else [],
        n_mine=selectors.my_return_visits(user=user).count(),
    )
    return render(request, "visits/return_visit_list.html", context)


def _may_visit(user) -> bool:
    return user.has_perm("visits.change_returnvisit") or user.has_perm("cases.handle_case")


@login_required
def return_visit_record(request, pk):
    """Record the return visit (by visit or by phone) of a replied case; the result drives the case."""
    if not _may_visit(request.user):
        raise PermissionDenied
    visit = get_or_404(selectors.return_visit_list(user=request.user).filter(status=ReturnVisitStatus.PENDING), pk)
    form = ReturnVisitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                workflow.return_visit_record(actor=request.user, case=visit.case, result=data["result"],
                                             method=data["method"], note=data["note"], visited_at=data["visited_at"])
            except ApplicationError as exc:
                form_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已记录回访：%(result)s。") % {
                    "result": Satisfaction(data["result"]).label})
                return redirect("cases:detail", pk=visit.case_id)
        else:
            status = 400
    return render(request, "visits/return_visit_form.html", {"form": form, "visit": visit}, status=status)


@login_required
@require_POST
@permission_required("cases.route_case", raise_exception=True)
def return_visit_assign(request, pk):
    visit = get_or_404(selectors.return_visit_list(user=request.user), pk)
    assignee = return_visitors_in_scope(request.user).filter(pk=request.POST.get("assignee") or 0).first() \
        if (request.POST.get("assignee") or "").isdigit() else None
    if assignee is None:
        messages.error(request, _("请选择辖区内可以回访的人员。"))
    else:
        try:
            services.return_visit_assign(actor=request.user, return_visit=visit, assignee=assignee)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已将%(number)s的回访交由%(name)s负责。") % {
                "number": visit.case.number, "name": assignee.display_name})
    return redirect_back(request, reverse("visits:return_visit_list"))


@login_required
@require_POST
def return_visit_link(request, pk):
    """Send the petitioner a one-time answer link by SMS, or go to the reply letter that prints it as a QR code."""
    if not _may_visit(request.user):
        raise PermissionDenied
    visit = get_or_404(selectors.return_visit_list(user=request.user), pk)
    channel = request.POST.get("channel")
    if channel == LinkChannel.QR:
        return _reply_letter(request, visit.case_id, with_qr=True)
    try:
        link, _token = services.answer_link_create(actor=request.user, return_visit=visit, channel=channel or "")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("评价短信已发送至 %(phone)s。") % {"phone": link.sent_to})
    return redirect_back(request, reverse("visits:return_visit_list"))


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title=_("评价二维码"))


@never_cache
@login_required
@permission_required("cases.view_case", raise_exception=True)
def reply_letter(request, case_pk):
    """信访事项处理意见书/答复告知, printed for the petitioner. While the return visit is pending, a POST prints it with
    a fresh one-time answer link as a QR code (and retires the last printed one); a GET changes nothing."""
    return _reply_letter(request, case_pk, with_qr=request.method == "POST")


def _reply_letter(request, case_pk, *, with_qr: bool):
    case = get_or_404(case_selectors.case_list(user=request.user).select_related("county"), case_pk)
    pending = (selectors.return_visit_list(user=request.user)
               .filter(case=case, status=ReturnVisitStatus.PENDING).first())
    qr = link = url = None
    may_visit = _may_visit(request.user)
    if with_qr and pending is not None and may_visit:
        try:
            link, token = services.answer_link_create(actor=request.user, return_visit=pending,
                                                      channel=LinkChannel.QR)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            url = services.answer_url(token)
            qr = mark_safe(_qr_svg(url))  # noqa: S308 - segno draws it from our own URL (a urlsafe token)
    return render(request, "visits/reply_letter.html", {
        "case": case, "pending": pending, "link": link, "url": url, "qr": qr, "today": timezone.localdate(),
        "may_visit": may_visit})


# The petitioner's answer page (public, no login) ------------------------------------------------------------

def _refusal(request, state: str):
    # A submission that lost the race against another finds the link "open" no more; say it was used.
    error, message, _code = services.ANSWER_REFUSALS.get(state, services.ANSWER_REFUSALS["used"])
    return render(request, "visits/answer_closed.html", {"message": _(message), "state": state},
                  status=error.status)


@never_cache
def answer(request, token):
    """The one-time link: the case number and its reply, three big buttons and a notes box. A used, expired,
    unknown or already answered link says so; it never shows the petitioner's ID or phone."""
    link = services.answer_link_find(token)
    state = services.answer_link_state(link)
    if state != "open":
        return _refusal(request, state)
    error = None
    if request.method == "POST":
        try:
            workflow.answer_link_submit(token=token, result=request.POST.get("result", ""),
                                        note=request.POST.get("note", ""))
        except ValidationFailed as exc:
            error = exc.message
        except ApplicationError:
            return _refusal(request, services.answer_link_state(services.answer_link_find(token)))
        else:
            return render(request, "visits/answer_thanks.html", {"result": Satisfaction(request.POST["result"])})
    case = link.return_visit.case
    unit = case.lead_unit.name if case.lead_unit_id else ""
    return render(request, "visits/answer.html", {
        "case": case, "unit": unit, "results": Satisfaction.choices, "error": error,
        "note": request.POST.get("note", "")}, status=400 if error else 200)


# Meetings -------------------------------------------------------------------------------------------------

@login_required
@permission_required("visits.view_meeting", raise_exception=True)
def meeting_list(request):
    context = filtered_page(request, MeetingFilterSet, selectors.meeting_list(user=request.user), {})
    return render(request, "visits/meeting_list.html", context)


@login_required
@permission_required("visits.add_meeting", raise_exception=True)
def meeting_new(request):
    # From a dossier page: ?kind=backlog&case=<number> starts the weekly review (逐件过堂) of that case.
    initial = {"kind": request.GET.get("kind", ""), "case_numbers": request.GET.get("case", "")}
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_record(actor=request.user, data=services.MeetingInput(
                region=data["region"], kind=data["kind"], title=data["title"], held_at=data["held_at"],
                decisions=data["decisions"], attendees=list(data["attendees"]), place=data["place"],
                chair=data["chair"], cases=data["case_numbers"]))
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            messages.success(request, _("已记录会议“%(title)s”。") % {"title": meeting.title})
            return redirect("visits:meeting_detail", pk=meeting.pk)
    return render(request, "visits/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@permission_required("visits.view_meeting", raise_exception=True)
def meeting_detail(request, pk):
    meeting = get_or_404(selectors.meeting_list(user=request.user), pk)
    return render(request, "visits/meeting_detail.html", {"meeting": meeting})


# Duty rules and compliance --------------------------------------------------------------------------------

@login_required
@permission_required("visits.view_compliance", raise_exception=True)
def compliance(request):
    """Each rule in force on ``?day=`` (default today): its period and each person's count against the minimum."""
    today = timezone.localdate()
    day, ok = parse_day(request.GET.get("day"), today)
    if not ok:
        messages.error(request, _("日期格式有误，请使用“年-月-日”，已显示今天的情况。"))
    county = user_county(request.user)
    report = selectors.duty_compliance(user=request.user, county=county, day=day) if county else []
    if county is None:
        messages.info(request, _("工作制度按县考核，请使用县级及以下账号查看。"))
    first = min((r["start"] for r in report), default=day - timedelta(days=day.weekday()))
    last = max((r["end"] for r in report), default=first + timedelta(days=6))
    return render(request, "visits/compliance.html", {
        "county": county, "day": day, "report": report, "previous": first - timedelta(days=1),
        "next": last + timedelta(days=1), "today": today})


# Statistics and settings ----------------------------------------------------------------------------------

def _months(start: date, end: date) -> list[date]:
    months, cur = [], start.replace(day=1)
    while cur <= end:
        months.append(cur)
        cur = (cur + timedelta(days=32)).replace(day=1)
    return months


def _by_month(rows: list[dict], months: list[date], *fields: str) -> list[dict]:
    """Monthly rows (``month`` a datetime from TruncMonth) filled out to every month of the period."""
    found = {(timezone.localtime(r["month"]) if timezone.is_aware(r["month"]) else r["month"]).date().replace(day=1): r
             for r in rows}
    return [{"month": m.strftime("%Y-%m"), **{f: (found.get(m, {}).get(f) or 0) for f in fields}} for m in months]


@login_required
@permission_required("visits.view_visit_stats", raise_exception=True)
def stats(request):
    today = timezone.localdate()
    start, ok_start = parse_day(request.GET.get("start"), today.replace(month=1, day=1))
    end, ok_end = parse_day(request.GET.get("end"), today)
    status = 200
    if not (ok_start and ok_end):
        messages.error(request, _("日期格式有误，请使用“年-月-日”；已显示今年以来的统计。"))
        start, end, status = today.replace(month=1, day=1), today, 400
    elif end < start:
        messages.error(request, _("截止日期不能早于起始日期；已显示今年以来的统计。"))
        start, end, status = today.replace(month=1, day=1), today, 400
    elif (end - start).days > selectors.STATS_MAX_DAYS:
        messages.error(request, _("统计区间不能超过五年；已显示今年以来的统计。"))
        start, end, status = today.replace(month=1, day=1), today, 400
    data = selectors.visit_stats(user=request.user, start=start, end=end)
    months = _months(start, end)
    reception_months = _by_month(data["receptions"]["by_month"], months, "batches", "persons")
    field_months = _by_month(data["field_visits"]["by_month"], months, "n", "night")
    skip_months = _by_month(data["skip_level"], months, "skip_level", "to_province", "to_beijing")
    chart = {
        "levels": [str(r["label"]) for r in data["receptions"]["by_level"]],
        "batches": [r["batches"] for r in data["receptions"]["by_level"]],
        "persons": [r["persons"] for r in data["receptions"]["by_level"]],
        "months": [m["month"] for m in field_months],
        "field": [m["n"] for m in field_months], "night": [m["night"] for m in field_months],
        "skip_level": [m["skip_level"] for m in skip_months], "to_province": [m["to_province"] for m in skip_months],
        "to_beijing": [m["to_beijing"] for m in skip_months],
        "labels": {"batches": _("批次"), "persons": _("人次"), "field": _("下访走访"), "night": _("夜访"),
                   "skip_level": _("越级"), "to_province": _("赴省"), "to_beijing": _("进京")},
    }
    return render(request, "visits/stats.html", {
        "s": data, "start": start, "end": end, "chart": chart, "reception_months": reception_months,
        "field_months": field_months, "skip_months": skip_months}, status=status)


