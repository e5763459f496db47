"""Pages of reception schedules, slots, appointments (约访) and receptions (领导接访), a leader's own calendar with its
private ICS feed, and the county's public schedule.

Thin: parse input (forms/schedule.py), call one service or selector, render. A refusal comes back as the service's
Chinese message and nothing changes; objects outside the user's jurisdiction are 404 (scoped selectors). The ICS feed
and the public schedule have no login: the feed is found by its secret token, the public page shows no personal data.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

import workflow
from cases import selectors as case_selectors
from xinfang.dates import parse_day
from xinfang.errors import ApplicationError
from xinfang.org.choices import RegionLevel
from xinfang.pages import PAGE_SIZE, filtered_page, form_error_text, get_or_404, redirect_back

from .. import selectors, services
from ..choices import LEVEL_RECEPTION, AppointmentStatus, SlotKind, Weekday
from ..filtersets import ReceptionFilterSet, SlotFilterSet
from ..forms.schedule import BookingForm, CampaignForm, ReceptionForm, ScheduleForm, SlotForm

PUBLIC_WEEKS = 4
FEED_DAYS_BACK = 30
WEEKDAY_LABELS = Weekday.labels  # lazy: translated when rendered


# Helpers --------------------------------------------------------------------------------------------------

def _refused(request, exc: ApplicationError) -> None:
    """A service's refusal as a message in its own Chinese words; the page shows what was entered again."""
    messages.error(request, exc.message)


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "") or request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _label(slot):
    """Attach what the cards print: the five-level name of the reception."""
    slot.level_label = LEVEL_RECEPTION.get(slot.level, "")
    return slot


# The week and month views ---------------------------------------------------------------------------------

def _parse_day(value: str) -> date:
    """The day the week or month view shows: a bad or out-of-range ?day= shows today."""
    return parse_day(value, timezone.localdate())[0]


def _month_start(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)


@login_required
@permission_required("visits.view_receptionslot", raise_exception=True)
def schedule(request):
    """The week (Monday to Sunday) or the month (?view=month) as a calendar grid of slots; ?day= moves it,
    ?leader= and ?level= narrow it (the slots' FilterSet)."""
    month_view = request.GET.get("view") == "month"
    day = _parse_day(request.GET.get("day", ""))
    today = timezone.localdate()
    if month_view:
        first, last = selectors.period_bounds("month", day)
        start, end = first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
        prev_day, next_day = _month_start(day, -1), _month_start(day, 1)
    else:
        start, end = selectors.period_bounds("week", day)
        first, last = start, end
        prev_day, next_day = start - timedelta(days=7), start + timedelta(days=7)

    filters = {name: request.GET[name] for name in ("leader", "level", "kind") if request.GET.get(name)}
    filterset = SlotFilterSet(filters, queryset=selectors.slots_between(user=request.user, start=start, end=end))
    if filterset.is_valid():
        slots = filterset.qs
    else:
        messages.error(request, _("筛选条件有误：%(errors)s") % {"errors": form_error_text(filterset.form)})
        slots = filterset.queryset.none()

    by_day = defaultdict(list)
    for slot in slots:
        by_day[timezone.localdate(slot.starts_at)].append(_label(slot))
    days = [{"date": d, "weekday": WEEKDAY_LABELS[d.weekday()], "slots": by_day.get(d, []), "is_today": d == today,
             "in_period": first <= d <= last}
            for d in (start + timedelta(days=i) for i in range((end - start).days + 1))]
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    return render(request, "visits/schedule.html", {
        "month_view": month_view, "day": day, "first": first, "last": last, "today": today, "weeks": weeks,
        "days": days, "weekday_labels": WEEKDAY_LABELS, "prev_day": prev_day, "next_day": next_day,
        "filters": filters, "filter_query": urlencode(filters),
        "leaders": selectors.leader_choices(user=request.user), "levels": RegionLevel.choices,
        "kinds": SlotKind.choices, "n_slots": sum(len(d["slots"]) for d in days if d["in_period"]),
    })


# Slots and appointments -----------------------------------------------------------------------------------

def _slot_context(request, slot, booking_form=None) -> dict:
    user = request.user
    appointments = (selectors.appointment_list(user=user).filter(slot=slot).order_by("booked_at", "id")
                    if user.has_perm("visits.view_appointment") else [])
    receptions = (selectors.reception_list(user=user).filter(slot=slot)
                  if user.has_perm("visits.view_reception") else [])
    return {
        "slot": _label(slot), "appointments": appointments, "receptions": receptions,
        "booking_form": booking_form or BookingForm(user=user),
        "can_book": user.has_perm("visits.add_appointment") and not slot.is_cancelled
        and slot.ends_at > timezone.now(),
        "can_manage": user.has_perm("visits.manage_schedule")
        and bool(selectors.own_region_ids(user=user, region_ids=[slot.region_id])),
        "can_record": user.has_perm("visits.add_reception"),
        "now": timezone.now(), "booked": AppointmentStatus.BOOKED,
    }


@login_required
@permission_required("visits.view_receptionslot", raise_exception=True)
def slot_detail(request, pk):
    """The slot, its appointments (names only: never ID numbers or phones), booking and the slot's actions."""
    slot = get_or_404(selectors.slot_list(user=request.user), pk)
    return render(request, "visits/slot_detail.html", _slot_context(request, slot))


@login_required
@permission_required("visits.add_appointment", raise_exception=True)
@require_POST
def slot_book(request, pk):
    """Book a case or a person into the slot. A refusal (full, double-booked, cancelled, past) shows the slot page
    again with the service's message and the input kept; nothing changes."""
    slot = get_or_404(selectors.slot_list(user=request.user), pk)
    form = BookingForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return render(request, "visits/slot_detail.html", _slot_context(request, slot, form), status=400)
    try:
        appointment = services.appointment_book(actor=request.user, slot=slot, **form.to_kwargs())
    except ApplicationError as exc:
        _refused(request, exc)
        slot = get_or_404(selectors.slot_list(user=request.user), pk)
        return render(request, "visits/slot_detail.html", _slot_context(request, slot, form), status=exc.status)
    messages.success(request, _("已为%(name)s预约本时段接访。") % {"name": appointment.petitioner.name})
    return redirect("visits:slot_detail", pk=slot.pk)


@login_required
@permission_required("visits.manage_schedule", raise_exception=True)
@require_POST
def slot_cancel(request, pk):
    """Cancel the slot with a reason; its bookings are cancelled with it."""
    slot = get_or_404(selectors.slot_list(user=request.user), pk)
    try:
        services.slot_cancel(actor=request.user, slot=slot, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已取消该接访时段，其预约一并取消。"))
    return redirect("visits:slot_detail", pk=slot.pk)


def _appointment_action(request, pk, action, done_message):
    appointment = get_or_404(selectors.appointment_list(user=request.user), pk)
    try:
        action(actor=request.user, appointment=appointment)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done_message % {"name": appointment.petitioner.name})
    return redirect_back(request, reverse("visits:slot_detail", args=[appointment.slot_id]))


@login_required
@permission_required("visits.add_appointment", raise_exception=True)
@require_POST
def appointment_cancel(request, pk):
    reason = request.POST.get("reason", "")

    def cancel(*, actor, appointment):
        return services.appointment_cancel(actor=actor, appointment=appointment, reason=reason)

    return _appointment_action(request, pk, cancel, _("已取消%(name)s的预约。"))


@login_required
@permission_required("visits.add_appointment", raise_exception=True)
@require_POST
def appointment_no_show(request, pk):
    return _appointment_action(request, pk, services.appointment_no_show, _("已登记%(name)s预约未到。"))


@login_required
@permission_required("visits.manage_schedule", raise_exception=True)
def slot_new(request):
    """A one-off reception slot; a leader already receiving at that time is refused (slot_overlap)."""
    form = SlotForm(request.POST or None, user=request.user,
                    initial={"day": _parse_day(request.GET.get("day", ""))})
    if request.method == "POST" and form.is_valid():
        try:
            slot = services.slot_create(actor=request.user, data=form.to_input())
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已安排接访时段“%(title)s”。") % {"title": slot.title})
            return redirect("visits:slot_detail", pk=slot.pk)
    elif request.method == "POST":
        messages.error(request, _("请按提示修改后重新提交。"))
    return render(request, "visits/slot_form.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@permission_required("visits.manage_schedule", raise_exception=True)
def campaign_new(request):
    """集中接访: the same reception at the same time in every county under a region."""
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已安排集中接访“%(title)s”，共%(n)s个县。") % {
                "title": campaign.title, "n": campaign.slots.count()})
            return redirect(f"{reverse('visits:schedule')}?day={timezone.localdate(campaign.starts_at).isoformat()}")
    elif request.method == "POST":
        messages.error(request, _("请按提示修改后重新提交。"))
    return render(request, "visits/campaign_form.html", {"form": form}, status=400 if form.is_bound else 200)


# Recurring rules ------------------------------------------------------------------------------------------

@login_required
@permission_required("visits.manage_schedule", raise_exception=True)
def schedule_rules(request):
    """The recurring rules and a form for a new one. A rule whose dates clash with the leader's other receptions is
    refused whole, naming the dates."""
    form = ScheduleForm(request.POST or None, user=request.user)
    clashes = []
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.schedule_create(actor=request.user, data=form.to_input())
        except ApplicationError as exc:
            _refused(request, exc)
            clashes = exc.detail.get("dates", []) if exc.code == "slot_overlap" else []
        else:
            messages.success(request, _("已创建日程规则“%(title)s”，已生成%(n)s个接访时段。") % {
                "title": rule.title, "n": rule.slots.count()})
            return redirect("visits:schedule_rules")
    elif request.method == "POST":
        messages.error(request, _("请按提示修改后重新提交。"))
    rules = selectors.schedule_list(user=request.user).order_by("-is_active", "level", "weekday", "start_time", "id")
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    own_regions = selectors.own_region_ids(user=request.user, region_ids=[rule.region_id for rule in page])
    return render(request, "visits/schedule_rules.html", {
        "form": form, "page": page, "query": "", "clashes": clashes, "open_form": form.is_bound,
        "own_regions": own_regions,
    }, status=400 if form.is_bound else 200)


@login_required
@permission_required("visits.manage_schedule", raise_exception=True)
@require_POST
def schedule_deactivate(request, pk):
    """Stop a rule: its future unbooked slots are cancelled."""
    rule = get_or_404(selectors.schedule_list(user=request.user), pk)
    try:
        services.schedule_deactivate(actor=request.user, schedule=rule)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已停用日程规则“%(title)s”，无人预约的后续时段已取消。") % {"title": rule.title})
    return redirect("visits:schedule_rules")


# Receptions -----------------------------------------------------------------------------------------------

@login_required
@permission_required("visits.view_reception", raise_exception=True)
def reception_list(request):
    context = filtered_page(request, ReceptionFilterSet, selectors.reception_list(user=request.user))
    context.update(leaders=selectors.leader_choices(user=request.user), levels=RegionLevel.choices)
    return render(request, "visits/reception_list.html", context)


@login_required
@permission_required("visits.view_reception", raise_exception=True)
def reception_detail(request, pk):
    receptions = selectors.reception_list(user=request.user).select_related("appointment", "case__region")
    reception = get_or_404(receptions, pk)
    return render(request, "visits/reception_detail.html", {"r": reception})


def _reception_sources(request):
    """The appointment, slot and case the form starts from (?appointment=, ?slot=, ?case=), each within the
    user's jurisdiction (404 otherwise)."""
    user = request.user
    appointment = slot = case = None
    if (pk := _int_param(request, "appointment")) is not None:
        appointment = get_or_404(selectors.appointment_list(user=user), pk)
        slot = appointment.slot
    if slot is None and (pk := _int_param(request, "slot")) is not None:
        slot = get_or_404(selectors.slot_list(user=user), pk)
    if request.method == "GET" and (pk := _int_param(request, "case")) is not None:
        case = get_or_404(case_selectors.case_list(user=user), pk)
    return appointment, slot, case


def _reception_initial(request, appointment, slot, case) -> dict:
    initial = {}
    if slot is not None:
        initial.update(slot=slot.pk, leader=slot.leader_id, place=slot.place)
        if slot.starts_at <= timezone.now():
            initial["received_at"] = timezone.localtime(slot.starts_at).replace(second=0, microsecond=0)
    if appointment is not None:
        initial.update(appointment=appointment.pk, head_count=appointment.head_count, raised=appointment.topic,
                       petitioner_name=appointment.petitioner.name)
        case = case or appointment.case
    if case is not None:
        initial.update(case_number=case.number, raised=initial.get("raised") or case.summary)
    if "leader" not in initial and request.user.leader_level is not None:
        initial["leader"] = request.user.pk
    return initial


@login_required
@permission_required("visits.add_reception", raise_exception=True)
def reception_new(request):
    """Record a reception: it links an open case or opens a new one (领导接访), and the receiving leader owns the case
    (谁接访谁包案). Prefilled from ?appointment=, ?slot= or ?case=; then the case page."""
    appointment, slot, case = _reception_sources(request)
    form = ReceptionForm(request.POST or None, user=request.user, slot=slot,
                         initial=_reception_initial(request, appointment, slot, case))
    if request.method == "POST" and form.is_valid():
        try:
            reception = workflow.reception_record(actor=request.user,
                                                  data=form.to_input(slot=slot, appointment=appointment))
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已记录接访，信访事项%(number)s由%(leader)s包案。") % {
                "number": reception.case.number, "leader": reception.leader.display_name})
            return redirect("cases:detail", pk=reception.case_id)
    elif request.method == "POST":
        messages.error(request, form_error_text(form))
    return render(request, "visits/reception_form.html", {
        "form": form, "appointment": appointment, "slot": _label(slot) if slot else None,
    }, status=400 if form.is_bound else 200)


# A leader's own calendar and its ICS feed -----------------------------------------------------------------

@login_required
@permission_required("visits.view_receptionslot", raise_exception=True)
def my_calendar(request):
    """The signed-in leader's upcoming slots and their private subscription address (POST regenerates it)."""
    if request.method == "POST":
        services.calendar_feed_token(actor=request.user, regenerate=True)
        messages.success(request, _("已生成新的订阅地址，原地址已失效。"))
        return redirect("visits:my_calendar")
    feed = services.calendar_feed_token(actor=request.user)
    slots = [_label(s) for s in selectors.leader_feed_slots(leader=request.user, since=timezone.localdate())]
    return render(request, "visits/calendar.html", {
        "slots": slots, "feed_url": request.build_absolute_uri(reverse("visits:ics_feed", args=[feed.token])),
    })


def ics_feed(request, token):
    """No login: the calendar app of the leader who holds ``token`` reads their slots from 30 days ago on. Each slot
    keeps one UID, so a moved or cancelled reception updates the event instead of adding one."""
    leader = selectors.feed_owner(token=token)
    if leader is None:
        raise Http404
    tz = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//xinfang//reception schedule//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("%(name)s的接访日程") % {"name": leader.display_name})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    since = timezone.localdate() - timedelta(days=FEED_DAYS_BACK)
    for slot in selectors.leader_feed_slots(leader=leader, since=since):
        event = Event()
        event.add("uid", f"reception-slot-{slot.pk}@xinfang")
        event.add("dtstamp", stamp)
        event.add("dtstart", slot.starts_at.astimezone(tz))
        event.add("dtend", slot.ends_at.astimezone(tz))
        event.add("summary", slot.title)
        event.add("location", slot.place)
        lines = [str(LEVEL_RECEPTION.get(slot.level, "")), slot.get_kind_display(), slot.region.name]
        departments = "、".join(unit.name for unit in slot.departments.all())
        if departments:
            lines.append(_("参加部门：%(names)s") % {"names": departments})
        if slot.is_cancelled:
            lines.append(_("已取消：%(reason)s") % {"reason": _(slot.cancel_reason)})
        event.add("description", "\n".join(line for line in lines if line))
        event.add("url", request.build_absolute_uri(reverse("visits:slot_detail", args=[slot.pk])))
        event.add("status", "CANCELLED" if slot.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="reception-schedule.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# The public schedule --------------------------------------------------------------------------------------

def public_schedule(request, code):
    """No login: the county's public receptions of the next four weeks (and those of the levels above it), for the
    notice board and the county's website. Leader, time, place, topic and departments only."""
    county = selectors.public_county(code=code)
    if county is None:
        raise Http404
    start = timezone.localdate()
    end = start + timedelta(weeks=PUBLIC_WEEKS, days=-1)
    slots = [_label(s) for s in selectors.public_slots(county=county, start=start, end=end)]
    return render(request, "visits/public_schedule.html", {
        "county": county, "slots": slots, "start": start, "end": end,
        "weekday_labels": WEEKDAY_LABELS, "generated_at": datetime.now(tz=ZoneInfo(settings.TIME_ZONE)),
    })
