"""Django admin for superusers: the versions of the county settings, read-only (a change is a new version, saved on
the settings pages or through the API)."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import RulesVersion


@admin.register(RulesVersion)
class RulesVersionAdmin(ReadOnlyAdmin):
    list_display = ["county", "group", "version", "valid_from", "reason", "created_by", "created_at"]
    list_filter = ["group"]
    list_select_related = ["county", "created_by"]
