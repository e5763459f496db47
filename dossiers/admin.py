"""Django admin for superusers, read-only: a dossier's stage, its measures, escalations and the 揭榜挂帅 board change
only through the product's pages, dossiers.services and the workflow layer."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import Claim, Dossier, Escalation, Listing, Measure


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["case", "source", "stage", "progress", "relapse_count", "opened_at", "resolved_at", "closed_at"]
    list_select_related = ["case"]
    list_filter = ["stage", "source"]
    search_fields = ["case__number"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["action", "dossier", "owner", "due_on", "done_at"]
    list_select_related = ["dossier__case", "owner"]  # a dossier is named by its case's number
    search_fields = ["dossier__case__number"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "to_region", "requested_by", "requested_at", "held_at"]
    list_select_related = ["dossier__case", "to_region", "requested_by"]


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "status", "points", "claim_days", "published_by", "published_at", "finished_at"]
    list_select_related = ["dossier__case", "published_by"]
    list_filter = ["status"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["listing", "claimant", "kind", "status", "recommended_by", "requested_at", "due_on", "finished_at",
                    "finished_late"]
    list_select_related = ["listing__dossier__case", "claimant", "recommended_by"]
    list_filter = ["kind", "status", "finished_late"]
