"""Django admin for superusers. Audit rows are read-only here as everywhere."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiClient, AuditEvent, Heartbeat, Region, Unit, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_select_related = ["parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "is_active"]
    list_select_related = ["region"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["region", "parent"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "unit", "title", "is_active"]
    list_select_related = ["unit"]
    search_fields = ["username", "name"]
    raw_id_fields = ["unit"]
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("单位与职务"), {"fields": ["name", "unit", "title", "leader_level"]}))


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "token_prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["unit"]
    readonly_fields = ["token_prefix", "created_at", "last_used_at", "revoked_at", "revoked_by", "user", "created_by"]

    def has_add_permission(self, request):
        return False  # created from the product, where the token is shown once


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr"]
    list_select_related = ["actor"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Heartbeat)
admin.site.site_header = _("信访通 系统管理")
admin.site.site_title = _("信访通")
