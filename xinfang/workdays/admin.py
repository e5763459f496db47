"""Django admin for superusers, read-only: a county's calendar changes only through the product's calendar page and
API, by the workflow layer's steps (workflow.calendar), which move the county's running deadlines with it."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import CalendarDay, CalendarYear


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "county", "is_workday", "name", "created_by", "created_at"]
    list_select_related = ["county", "created_by"]
    list_filter = ["is_workday"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "county", "confirmed_by", "confirmed_at"]
    list_select_related = ["county", "confirmed_by"]
