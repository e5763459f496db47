"""Django admin for superusers. The timeline and the personal-data access log are read-only everywhere."""

from django.contrib import admin

from xinfang.admin import ReadOnlyAdmin

from .models import Case, Category, PersonalDataAccess, TimelineEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "county", "is_litigation", "is_active", "sort_order"]
    list_select_related = ["parent", "county"]
    list_filter = ["is_litigation", "is_active"]
    raw_id_fields = ["county", "parent"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a category would move its cases between the dashboards' counts and filters behind their back: the
        # tree's shape is set when a category is added (cases.services.category_create).
        return ["county", "parent"] if obj is not None else []


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases change only through the workflow (the product's pages and API), never here."""

    list_display = ["number", "status", "channel", "received_at", "lead_unit"]
    list_select_related = ["lead_unit"]
    list_filter = ["status", "channel"]
    search_fields = ["number"]
    show_full_result_count = False


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "actor", "kind", "message"]
    list_select_related = ["case", "actor"]
    show_full_result_count = False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "petitioner", "fields", "channel", "ip_address"]
    list_select_related = ["user", "petitioner"]
