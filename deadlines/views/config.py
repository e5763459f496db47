"""The county admin's configuration pages: the deadline rule sets and their milestones, and the working-day
calendar. Thin: parse a form, call one service, say what happened, redirect. Caseworkers may read the rules.

A county's rows are looked up in the user's scoped rule sets and calendar days of their own county, so another
county's rule set answers 404.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import workflow
from cases.models import Category
from xinfang.errors import ApplicationError
from xinfang.org.models import Region
from xinfang.org.scoping import scoped
from xinfang.pages import form_service_error, user_county_or_404
from xinfang.workdays import selectors as calendar_selectors
from xinfang.workdays.calendar import package_years

from .. import selectors, services
from ..forms import CalendarDayForm, MilestoneForm, RuleSetForm, YearForm
from ..models import RuleSet


def _rules_url() -> str:
    return reverse("deadlines:rules")


def _calendar_url() -> str:
    return reverse("deadlines:calendar")


def _rule_set(request, county: Region, pk: int) -> RuleSet:
    return get_object_or_404(selectors.rule_set_list(user=request.user).filter(county=county), pk=pk)


def _published(request, before: RuleSet, after: RuleSet, done: str) -> None:
    """The success message; it says so when the save published a new version."""
    if after.pk != before.pk:
        done += _("已发布第%(version)s版，正在办理的事项继续按原版本计时。") % {"version": after.version}
    messages.success(request, done)


# Rule sets -------------------------------------------------------------------------------------------------

@login_required
@permission_required("deadlines.view_ruleset", raise_exception=True)
def rules(request):
    """The county's rule sets: the current versions with their milestones, the older versions with how many cases
    still run under each, and how days are counted."""
    county = user_county_or_404(request.user)
    services.default_rule_set(county)  # a county starts with the statutory rules, created the first time
    current = selectors.rule_set_overview(user=request.user, county=county)
    return render(request, "deadlines/config/rules.html", {
        "county": county, "rule_sets": current, "can_edit": request.user.has_perm("deadlines.change_ruleset"),
    })


def _category_queryset(request, county: Region, selected=()):
    return (scoped(Category.objects.filter(county=county), request.user)
            .filter(Q(is_active=True) | Q(pk__in=[c.pk for c in selected]))
            .select_related("parent").order_by("parent__sort_order", "parent_id", "sort_order", "id"))


@login_required
@permission_required("deadlines.add_ruleset", raise_exception=True)
def rule_set_new(request):
    county = user_county_or_404(request.user)
    form = RuleSetForm(request.POST or None, category_queryset=_category_queryset(request, county))
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.rule_set_create(actor=request.user, county=county, data=form.input())
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            messages.success(request, _("已新建规则“%(name)s”，节点从默认规则复制，请按需修改。") % {
                "name": rule_set.name})
            return redirect(f"{_rules_url()}#rule-set-{rule_set.lineage}")
    return render(request, "deadlines/config/rule_set_form.html", {"form": form, "rule_set": None},
                  status=400 if form.errors else 200)


@login_required
@permission_required("deadlines.change_ruleset", raise_exception=True)
def rule_set_edit(request, pk):
    county = user_county_or_404(request.user)
    rule_set = _rule_set(request, county, pk)
    if not rule_set.is_current:
        return _to_current(request, rule_set, "deadlines:rule_set_edit")
    selected = list(rule_set.categories.all())
    form = RuleSetForm(request.POST or None, category_queryset=_category_queryset(request, county, selected),
                       initial={"name": rule_set.name, "priority": rule_set.priority, "channels": rule_set.channels,
                                "upper_sources": rule_set.upper_sources, "categories": selected,
                                "escalate_after_days": rule_set.escalate_after_days})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.rule_set_update(actor=request.user, rule_set=rule_set, data=form.input())
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            _published(request, rule_set, saved, _("已保存“%(name)s”的适用条件。") % {"name": saved.name})
            return redirect(f"{_rules_url()}#rule-set-{saved.lineage}")
    return render(request, "deadlines/config/rule_set_form.html", {
        "form": form, "rule_set": rule_set, "in_use": rule_set.cases.exists()}, status=400 if form.errors else 200)


def _to_current(request, rule_set: RuleSet, url_name: str, **kwargs):
    """An older version is read-only: send the user to the current version of the same rules."""
    current = get_object_or_404(selectors.rule_set_list(user=request.user).filter(
        county=rule_set.county_id, lineage=rule_set.lineage, is_current=True))
    messages.info(request, _("这是历史版本，不能修改；已转到现行版本（第%(version)s版）。") % {
        "version": current.version})
    return redirect(url_name, pk=current.pk, **kwargs)


# Milestones ------------------------------------------------------------------------------------------------

@login_required
@permission_required("deadlines.change_ruleset", raise_exception=True)
def milestone_edit(request, pk, code=None):
    """Change a milestone (``code`` given) or add one to the rule set (the form asks for its code)."""
    county = user_county_or_404(request.user)
    rule_set = _rule_set(request, county, pk)
    if not rule_set.is_current:
        return _to_current(request, rule_set, "deadlines:milestone_edit" if code else "deadlines:milestone_new",
                           **({"code": code} if code else {}))
    milestones = {m.code: m for m in rule_set.milestones.all()}
    milestone = None
    if code is not None:
        milestone = milestones.get(code)
        if milestone is None:
            raise Http404
    initial = MilestoneForm.initial_from(milestone) if milestone else {
        "day_kind": "calendar", "applies_to": "all", "party": "lead", "restart_on_reassign": True,
        "warn_days": 1, "is_active": True, "sort_order": max([m.sort_order for m in milestones.values()] or [0]) + 10}
    form = MilestoneForm(request.POST or None, new=milestone is None, taken_codes=milestones, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.milestone_save(actor=request.user, rule_set=rule_set,
                                            code=code or form.cleaned_data["code"], values=form.values())
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            done = (_("已保存节点“%(name)s”。") if milestone else _("已添加节点“%(name)s”。")) % {"name": saved.name}
            _published(request, rule_set, saved.rule_set, done)
            return redirect(f"{_rules_url()}#rule-set-{rule_set.lineage}")
    return render(request, "deadlines/config/milestone_form.html", {
        "form": form, "rule_set": rule_set, "milestone": milestone, "in_use": rule_set.cases.exists(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
@permission_required("deadlines.change_ruleset", raise_exception=True)
def milestone_toggle(request, pk, code):
    """Switch a milestone on or off (the 3/7/21 rule, say) in one click."""
    county = user_county_or_404(request.user)
    rule_set = _rule_set(request, county, pk)
    milestone = get_object_or_404(rule_set.milestones.all(), code=code)
    try:
        saved = services.milestone_save(actor=request.user, rule_set=rule_set, code=code,
                                        values={"is_active": not milestone.is_active})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        done = (_("已启用节点“%(name)s”。") if saved.is_active else _("已停用节点“%(name)s”。")) % {"name": saved.name}
        _published(request, rule_set, saved.rule_set, done)
    return redirect(f"{_rules_url()}#rule-set-{rule_set.lineage}")


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


def _calendar_context(request, county: Region, month: date, form=None) -> dict:
    today = timezone.localdate()
    unconfirmed = calendar_selectors.unconfirmed_years(county.pk, around=today)
    entered = calendar_selectors.override_counts(county.pk, unconfirmed)
    years = package_years()
    return {
        "county": county, "month": month, "today": today,
        "weeks": calendar_selectors.calendar_month(county.pk, year=month.year, month=month.month),
        "previous": (month.replace(day=1) - timedelta(days=1)).replace(day=1),
        "next": (month.replace(day=28) + timedelta(days=4)).replace(day=1),
        "overrides": calendar_selectors.calendar_day_list(user=request.user, county_id=county.pk),
        "form": form or CalendarDayForm(),
        "unconfirmed": [{"year": y, "entered": entered.get(y, 0)} for y in unconfirmed],
        "flagged": selectors.unconfirmed_deadlines(county_id=county.pk) if unconfirmed else 0,
        "confirmed_years": calendar_selectors.confirmed_years(county.pk),
        "package_first": years.start, "package_last": years.stop - 1,
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


@login_required
@require_POST
@permission_required("workdays.add_calendaryear", raise_exception=True)
def calendar_year_confirm(request):
    county = user_county_or_404(request.user)
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("年份无效。"))
        return redirect("deadlines:calendar")
    year = form.cleaned_data["year"]
    try:
        workflow.calendar_year_confirm(actor=request.user, county=county, year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认 %(year)s 年的工作日历，相关期限不再标记为“日历未确认”。") % {"year": year})
    return redirect("deadlines:calendar")

