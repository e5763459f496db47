"""Django admin for superusers, read-only: schedules, slots, appointments, receptions, visits, meetings and duty rules
change only through the product's pages and visits.services (which expand schedules into slots, keep bookings within
a slot's places and version duty rules), return visits also through the workflow layer. The petitioner's answer links
and the leaders' calendar feeds hold tokens and are not shown here."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import (
    Appointment,
    FieldVisit,
    Meeting,
    Reception,
    ReceptionSchedule,
    ReceptionSlot,
    ReturnVisit,
)


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(ReadOnlyAdmin):
    list_display = ["title", "region", "level", "kind", "leader", "frequency", "weekday", "start_time", "end_time",
                    "starts_on", "ends_on", "is_active"]
    list_select_related = ["region", "leader"]
    list_filter = ["level", "kind", "frequency", "is_active"]
    search_fields = ["title"]


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(ReadOnlyAdmin):
    list_display = ["title", "starts_at", "ends_at", "region", "level", "kind", "leader", "capacity", "cancelled_at"]
    list_select_related = ["region", "leader"]
    list_filter = ["level", "kind"]
    search_fields = ["title"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["slot", "petitioner", "case", "head_count", "status", "booked_by", "booked_at", "cancelled_at"]
    list_select_related = ["slot", "petitioner", "case", "booked_by"]
    list_filter = ["status"]


@admin.register(Reception)
class ReceptionAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "leader", "level", "region", "petitioner", "case", "opened_case", "recorded_by"]
    list_select_related = ["leader", "region", "petitioner", "case", "recorded_by"]
    list_filter = ["level", "opened_case"]
    search_fields = ["case__number"]


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_at", "kind", "is_night", "region", "household", "petitioner", "recorded_by"]
    list_select_related = ["region", "petitioner", "recorded_by"]
    list_filter = ["kind", "is_night"]
    show_full_result_count = False


@admin.register(ReturnVisit)
class ReturnVisitAdmin(ReadOnlyAdmin):
    list_display = ["case", "round", "status", "assignee", "scheduled_at", "done_at", "done_by"]
    list_select_related = ["case", "assignee", "done_by"]
    list_filter = ["status"]
    search_fields = ["case__number"]
    show_full_result_count = False
    ordering = ["-id"]  # the model's scheduled_at order has no index over the whole table


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["held_at", "title", "kind", "region", "chair", "recorded_by"]
    list_select_related = ["region", "chair", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["title"]


