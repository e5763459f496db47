"""Django admin for superusers, read-only: the points ledger is append-only (a correction is a counter-entry written
by scoring.services), the county's point and indicator rules are versioned by the configuration pages, and ranking
snapshots are immutable once generated."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import IndicatorScheme, PointEntry, PointScheme, RankingSnapshot


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "points", "rule", "reason", "case", "corrects"]
    list_select_related = ["user", "case", "corrects__user"]  # a corrected entry is named by its cadre
    search_fields = ["case__number"]
    show_full_result_count = False
    ordering = ["-id"]  # the model's created_at order has no index over the whole table


@admin.register(PointScheme)
class PointSchemeAdmin(ReadOnlyAdmin):
    list_display = ["county", "version", "is_current", "created_by", "created_at"]
    list_select_related = ["county", "created_by"]
    list_filter = ["is_current"]


@admin.register(IndicatorScheme)
class IndicatorSchemeAdmin(ReadOnlyAdmin):
    list_display = ["county", "version", "is_current", "band_mode", "no_data_rule", "created_by", "created_at"]
    list_select_related = ["county", "created_by"]
    list_filter = ["is_current", "band_mode", "no_data_rule"]


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["kind", "period_start", "period_end", "county", "scheme", "generated_at"]
    list_select_related = ["county", "scheme__county"]  # a scheme is named by its county
    list_filter = ["kind"]
