"""Django admin for superusers. Audit rows are read-only here as everywhere."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.selectors import security_rules
from xinfang.accounts.services import sessions_end
from xinfang.errors import ApplicationError
from xinfang.http import client_ip

from .models import ApiClient, AuditEvent, Heartbeat, Region, Unit, User
from .scoping import scoped
from .services import audit_record, roles_check


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


class UserForm(UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is not None:
            try:
                roles_check([g.name for g in groups])
            except ApplicationError as exc:
                raise ValidationError(exc.message, code=exc.code) from exc
        return groups


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """三员分立 in the admin: the system administrator keeps accounts (names, units, active or not, a new password that
    must be changed at the next login); roles are the security administrator's (``org.assign_role``); a superuser flag
    or a permission one by one only the installer's superuser sets."""

    form = UserForm
    list_display = ["username", "name", "unit", "title", "is_active"]
    list_select_related = ["unit"]
    search_fields = ["username", "name"]
    raw_id_fields = ["unit"]
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("单位与职务"), {"fields": ["name", "unit", "title", "leader_level"]}),
                 (_("密码规则"), {"fields": ["must_change_password"]}))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        if not request.user.has_perm("org.assign_role"):
            hidden |= {"groups"}
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in fieldsets]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A password an administrator gives is changed by its holder at the first login (the county's rule).
        given = not change or "password" in form.changed_data
        if given and obj.pk != request.user.pk and security_rules(obj).change_on_first_login:
            User.objects.filter(pk=obj.pk).update(must_change_password=True)
        audit_record(actor=request.user, action="user.create" if not change else "user.change", obj=obj,
                     region=obj.region, changes={"fields": sorted(form.changed_data)},
                     ip_address=client_ip(request))
        if change and {"groups", "is_active", "unit"} & set(form.changed_data):
            # New roles may ask for two factors, a new unit is another jurisdiction: the person signs in again.
            sessions_end(user=obj, reason="account_changed", actor=request.user, ip_address=client_ip(request))

    def get_queryset(self, request):
        # Within the administrator's jurisdiction, as every page (the installer's superuser sees all).
        return scoped(super().get_queryset(request), request.user)

    def user_change_password(self, request, id, form_url=""):  # noqa: A002 - Django's own signature
        """An administrator's reset of someone's password: that person changes it at the next login too."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            person = User.objects.filter(pk=unquote(id)).first()
            if person is not None and person.pk != request.user.pk and security_rules(person).change_on_first_login:
                User.objects.filter(pk=person.pk).update(must_change_password=True)
            if person is not None:
                audit_record(actor=request.user, action="user.password_reset", obj=person, region=person.region,
                             ip_address=client_ip(request))
        return response


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Read here, within the jurisdiction; a token's limits are set when the product issues it (a new token for new
    limits), never widened afterwards."""

    list_display = ["name", "unit", "token_prefix", "scope", "expires_at", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["unit"]
    readonly_fields = ["token_prefix", "created_at", "last_used_at", "revoked_at", "revoked_by", "user", "created_by",
                       "unit", "scope", "endpoints", "expires_at"]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

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
