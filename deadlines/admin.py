"""Django admin for superusers, read-only: rule sets change only through the county's configuration pages (an edit
publishes a new version), and clocks, cards, suspensions, supervision documents and notifications only through the
product's pages, the deadline services, the sweep and the workflow layer."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import Card, Deadline, Milestone, Notification, RuleSet, Supervision, Suspension


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = ["name", "county", "lineage", "version", "priority", "escalate_after_days", "created_at"]
    list_select_related = ["county"]
    search_fields = ["name"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["name", "rule_set", "code", "start_event", "end_event", "days", "day_kind", "applies_to", "party",
                    "is_active"]
    list_select_related = ["rule_set"]
    list_filter = ["day_kind", "applies_to", "party", "is_active"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["case", "milestone", "unit", "started_on", "due_on", "warn_on", "suspended_since", "met_at",
                    "met_late", "stopped_at", "calendar_unconfirmed"]
    list_select_related = ["case", "milestone", "unit"]
    list_filter = ["met_late", "calendar_unconfirmed"]
    search_fields = ["case__number"]
    show_full_result_count = False
    ordering = ["-id"]  # the model's due_on order has no index over the whole table


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ["raised_at", "colour", "case", "unit", "leader", "cleared_at", "clear_reason", "escalated_at"]
    list_select_related = ["case", "unit", "leader"]
    list_filter = ["colour", "clear_reason"]
    search_fields = ["case__number"]
    show_full_result_count = False


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["case", "status", "reason", "requested_by", "requested_at", "decided_at", "started_on",
                    "ended_on"]
    list_select_related = ["case", "requested_by"]
    list_filter = ["status"]
    search_fields = ["case__number"]


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "case", "unit", "issued_by", "issued_at", "respond_by", "acknowledged_at",
                    "responded_at"]
    list_select_related = ["case", "unit", "issued_by"]
    list_filter = ["kind"]
    search_fields = ["number", "case__number"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "case", "read_at", "emailed_at"]
    list_select_related = ["user", "case"]
    list_filter = ["kind"]
    show_full_result_count = False
    ordering = ["-id"]  # the model's created_at order has no index over the whole table
