"""FilterSets of the visits app, each shared by its page and its API endpoint."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.dates import DATE_VALIDATORS, day_range
from xinfang.org.choices import RegionLevel
from xinfang.org.filtersets import SubtreeFilter

from .choices import AppointmentStatus, MeetingKind, ReturnVisitStatus, SlotKind, VisitKind
from .models import Appointment, FieldVisit, Meeting, Reception, ReceptionSlot, ReturnVisit


class LocalDateFilter(django_filters.DateFilter):
    """A local date bound on a timestamp, compared with the aware start of the day (after: from that day's 00:00;
    before: up to the next day's 00:00), so the column's index serves it; dates outside 2000–2099 are invalid."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        kwargs.setdefault("validators", DATE_VALIDATORS)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        lo, hi = day_range(value, value)
        if self.lookup_expr == "gte":
            return qs.filter(**{f"{self.field_name}__gte": lo})
        return qs.filter(**{f"{self.field_name}__lt": hi})


def _date(label, field_name, lookup):
    return LocalDateFilter(label=label, field_name=field_name, lookup_expr=lookup)


class SlotFilterSet(django_filters.FilterSet):
    leader = django_filters.NumberFilter(label=_("接访领导"), field_name="leader_id")
    level = django_filters.TypedChoiceFilter(label=_("接访层级"), choices=RegionLevel.choices, coerce=int)
    kind = django_filters.ChoiceFilter(label=_("接访类型"), choices=SlotKind.choices)
    region = SubtreeFilter(label=_("接访区划代码（含下级）"), field_name="region")
    starts_after = _date(_("日期起"), "starts_at", "gte")
    starts_before = _date(_("日期止"), "starts_at", "lte")
    cancelled = django_filters.BooleanFilter(label=_("已取消"), field_name="cancelled_at", lookup_expr="isnull",
                                             exclude=True)

    class Meta:
        model = ReceptionSlot
        fields = ["leader", "level", "kind", "region", "starts_after", "starts_before", "cancelled"]


class AppointmentFilterSet(django_filters.FilterSet):
    slot = django_filters.NumberFilter(label=_("接访时段"), field_name="slot_id")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AppointmentStatus.choices)
    case = django_filters.NumberFilter(label=_("信访事项"), field_name="case_id")

    class Meta:
        model = Appointment
        fields = ["slot", "status", "case"]


class ReceptionFilterSet(django_filters.FilterSet):
    leader = django_filters.NumberFilter(label=_("接访领导"), field_name="leader_id")
    level = django_filters.TypedChoiceFilter(label=_("接访层级"), choices=RegionLevel.choices, coerce=int)
    region = SubtreeFilter(label=_("问题属地代码（含下级）"), field_name="region")
    received_after = _date(_("接访日期起"), "received_at", "gte")
    received_before = _date(_("接访日期止"), "received_at", "lte")
    opened_case = django_filters.BooleanFilter(label=_("接访时登记"))
    case = django_filters.NumberFilter(label=_("信访事项"), field_name="case_id")

    class Meta:
        model = Reception
        fields = ["leader", "level", "region", "received_after", "received_before", "opened_case", "case"]


class FieldVisitFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("走访类型"), choices=VisitKind.choices)
    night = django_filters.BooleanFilter(label=_("夜访"), field_name="is_night")
    region = SubtreeFilter(label=_("走访地点代码（含下级）"), field_name="region")
    cadre = django_filters.NumberFilter(label=_("走访干部"), field_name="cadres")
    visited_after = _date(_("走访日期起"), "visited_at", "gte")
    visited_before = _date(_("走访日期止"), "visited_at", "lte")
    case = django_filters.NumberFilter(label=_("信访事项"), field_name="cases")

    class Meta:
        model = FieldVisit
        fields = ["kind", "night", "region", "cadre", "visited_after", "visited_before", "case"]


class ReturnVisitFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReturnVisitStatus.choices)
    assignee = django_filters.NumberFilter(label=_("回访责任人"), field_name="assignee_id")
    due_before = django_filters.DateFilter(label=_("到期日止"), field_name="deadline__due_on", lookup_expr="lte",
                                           widget=forms.DateInput(attrs={"type": "date"}), validators=DATE_VALIDATORS)
    region = SubtreeFilter(label=_("问题属地代码（含下级）"), field_name="case__region")
    case = django_filters.NumberFilter(label=_("信访事项"), field_name="case_id")

    class Meta:
        model = ReturnVisit
        fields = ["status", "assignee", "due_before", "region", "case"]


class MeetingFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("会议类型"), choices=MeetingKind.choices)
    region = SubtreeFilter(label=_("区划代码（含下级）"), field_name="region")
    held_after = _date(_("召开日期起"), "held_at", "gte")
    held_before = _date(_("召开日期止"), "held_at", "lte")
    attendee = django_filters.NumberFilter(label=_("参会人员"), field_name="attendees")

    class Meta:
        model = Meeting
        fields = ["kind", "region", "held_after", "held_before", "attendee"]
