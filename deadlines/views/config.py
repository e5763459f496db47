"""The county admin's working-day calendar. Thin: parse a form, call one service, say what happened, redirect.
The deadline rules are county settings (/settings/deadlines/, xinfang.rules); their old addresses lead there.

A county's days are looked up in the user's scoped calendar days of their own county, so another county's day
answers 404.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import workflow
from xinfang.errors import ApplicationError
from xinfang.org.models import Region
from xinfang.pages import form_service_error, user_county_or_404
from xinfang.workdays import selectors as calendar_selectors
from xinfang.workdays.calendar import package_version, package_years

from .. import selectors
from ..forms import CalendarDayForm, YearForm


def _calendar_url() -> str:
    return reverse("deadlines:calendar")


# The working-day calendar ----------------------------------------------------------------------------------

def _month(value: str | None) -> date:
    """``?month=2026-02``; the current month when absent or malformed."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100:
            return date(year, month, 1)
    except ValueError:
        pass
    return timezone.localdate().replace(day=1)


def _unknown_message(year: int) -> str:
    """The instruction for a year the package does not know, its upgrade command set in code type (the message is
    our own translated text, the command a constant: nothing in it comes from a user)."""
    command = format_html('<code class="text-nowrap">{}</code>', calendar_selectors.UPGRADE_COMMAND)
    return mark_safe(calendar_selectors.package_unknown_message(year, command=command))  # noqa: S308


def _calendar_context(request, county: Region, month: date, form=None) -> dict:
    today = timezone.localdate()
    flagged = selectors.unconfirmed_deadline_years(county_id=county.pk)
    # The years that matter: this one, the next, and any a running clock waits on.
    years = calendar_selectors.calendar_years(county.pk, years={today.year, today.year + 1, *flagged})
    package = package_years()
    return {
        "county": county, "month": month, "today": today,
        "weeks": calendar_selectors.calendar_month(county.pk, year=month.year, month=month.month),
        "previous": (month.replace(day=1) - timedelta(days=1)).replace(day=1),
        "next": (month.replace(day=28) + timedelta(days=4)).replace(day=1),
        "overrides": calendar_selectors.calendar_day_list(user=request.user, county_id=county.pk),
        "form": form or CalendarDayForm(),
        "years": [{"info": y, "flagged": flagged.get(y.year, 0),
                   "unknown_message": _unknown_message(y.year) if y.state == "unknown" else ""} for y in years],
        "package_first": package.start, "package_last": package.stop - 1, "package_version": package_version(),
    }


@login_required
@permission_required("workdays.view_calendarday", raise_exception=True)
def calendar(request):
    """The county's working-day calendar, a month at a time, its overrides and the years still to enter."""
    county = user_county_or_404(request.user)
    return render(request, "deadlines/config/calendar.html",
                  _calendar_context(request, county, _month(request.GET.get("month"))))


@login_required
@require_POST
@permission_required("workdays.add_calendarday", raise_exception=True)
def calendar_day_add(request):
    county = user_county_or_404(request.user)
    form, status = CalendarDayForm(request.POST), 400
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            workflow.calendar_day_set(actor=request.user, county=county, day=day,
                                               is_workday=form.cleaned_data["is_workday"],
                                               name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form_service_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已将 %(day)s 设为%(kind)s：%(name)s。正在计时的期限将按新日历重新计算。") % {
                "day": day.isoformat(), "kind": _("工作日") if form.cleaned_data["is_workday"] else _("休息日"),
                "name": form.cleaned_data["name"]})
            return redirect(f"{_calendar_url()}?month={day:%Y-%m}")
    month = form.cleaned_data.get("date") or timezone.localdate()
    return render(request, "deadlines/config/calendar.html",
                  _calendar_context(request, county, month.replace(day=1), form), status=status)


@login_required
@require_POST
@permission_required("workdays.delete_calendarday", raise_exception=True)
def calendar_day_delete(request, pk):
    county = user_county_or_404(request.user)
    day = get_object_or_404(calendar_selectors.calendar_day_list(user=request.user, county_id=county.pk), pk=pk)
    try:
        workflow.calendar_day_delete(actor=request.user, day=day)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除 %(day)s 的调整，这一天按国家日历计算。") % {"day": day.date.isoformat()})
    return redirect(f"{_calendar_url()}?month={day.date:%Y-%m}")


def _posted_year(request) -> int | None:
    """The year a calendar button posted, or None with a message when it is not one."""
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("年份无效。"))
        return None
    return form.cleaned_data["year"]


@login_required
@require_POST
@permission_required("workdays.add_calendaryear", raise_exception=True)
def calendar_year_confirm(request):
    county = user_county_or_404(request.user)
    year = _posted_year(request)
    if year is None:
        return redirect("deadlines:calendar")
    try:
        workflow.calendar_year_confirm(actor=request.user, county=county, year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认 %(year)s 年的工作日历，相关期限不再标记为“日历未确认”。") % {"year": year})
    return redirect("deadlines:calendar")


@login_required
@require_POST
@permission_required("workdays.add_calendaryear", raise_exception=True)
def calendar_year_load(request):
    """The year's holidays and 调休 working days from the installed chinese-calendar package, as the county's."""
    county = user_county_or_404(request.user)
    year = _posted_year(request)
    if year is None:
        return redirect("deadlines:calendar")
    try:
        workflow.calendar_year_load(actor=request.user, county=county, year=year)
    except ApplicationError as exc:
        # Loaded already: nothing changed, which is no error.
        (messages.info if exc.code == "year_loaded" else messages.error)(request, exc.message)
    else:
        messages.success(request, _("已从日历数据载入 %(year)s 年的法定节假日和调休上班日，"
                                    "正在计时的期限将按国家安排重新计算。") % {"year": year})
    return redirect("deadlines:calendar")
