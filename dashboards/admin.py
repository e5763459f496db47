"""Django admin for superusers, read-only: rollup buckets are marked stale by the services and recomputed by Celery
(dashboards.services), never edited by hand."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import RollupBucket


@admin.register(RollupBucket)
class RollupBucketAdmin(ReadOnlyAdmin):
    list_display = ["county", "month", "computed_at", "stale_since"]
    list_select_related = ["county"]
    list_filter = [("stale_since", admin.EmptyFieldListFilter)]
