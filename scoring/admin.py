"""Django admin for superusers, read-only: the points ledger is append-only (a correction is a counter-entry written
by scoring.services), and ranking snapshots are immutable once generated. The county's point and index rules are
versions of the county settings (xinfang.rules)."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import PointEntry, RankingSnapshot


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "points", "rule", "reason", "case", "corrects"]
    list_select_related = ["user", "case", "corrects__user"]  # a corrected entry is named by its cadre
    search_fields = ["case__number"]
    show_full_result_count = False
    ordering = ["-id"]  # the model's created_at order has no index over the whole table


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["kind", "period_start", "period_end", "county", "scheme_version", "generated_at"]
    list_select_related = ["county"]
    list_filter = ["kind"]
