"""One FilterSet per model, shared by its page and its API endpoint."""

import ipaddress
from datetime import datetime, time, timedelta

import django_filters
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .choices import RegionLevel, Role, UnitKind
from .models import ApiClient, AuditEvent, Region, Unit, User


class SearchFilter(django_filters.CharFilter):
    """A free-text box over several fields (icontains on each)."""

    def __init__(self, *args, fields: list[str], **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("搜索"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return qs.filter(q)


class SubtreeFilter(django_filters.CharFilter):
    """A 12-digit division code matching that region and everything under it (one semi-join on the region
    table). ``field_name`` is the path to the Region FK ("" for the Region model itself)."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        path = Region.objects.filter(code=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        if not self.field_name:
            return qs.filter(path__startswith=path)
        return qs.filter(**{f"{self.field_name}__in": Region.objects.filter(path__startswith=path).values("pk")})


class RegionFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["name", "code"])
    level = django_filters.TypedChoiceFilter(label=_("层级"), choices=RegionLevel.choices, coerce=int)
    parent = django_filters.CharFilter(label=_("上级区划代码"), field_name="parent__code")
    under = SubtreeFilter(label=_("所辖区划代码"), field_name="")

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "under"]


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("名称、简称、别名或拼音首字母"))
    kind = django_filters.ChoiceFilter(label=_("单位类型"), choices=UnitKind.choices)
    region = SubtreeFilter(label=_("所在区划代码（含下级）"), field_name="region")
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "region", "is_active"]

    def filter_q(self, qs, name, value):
        return selectors.unit_search(qs, value)

    def filter_queryset(self, queryset):
        # Without a search, the order a picker offers units in (departments first), for the page and the API.
        qs = super().filter_queryset(queryset)
        return qs if self.form.cleaned_data.get("q") else selectors.unit_picker_order(qs)


class UserFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["name", "username"])
    unit = django_filters.NumberFilter(label=_("单位"), field_name="unit_id")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, method="filter_role")
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = User
        fields = ["q", "unit", "role", "is_active"]

    def filter_role(self, qs, name, value):
        return qs.filter(groups__in=Group.objects.filter(name=value))


class ApiClientFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["name", "note"])
    active = django_filters.BooleanFilter(label=_("有效"), field_name="revoked_at", lookup_expr="isnull")

    class Meta:
        model = ApiClient
        fields = ["q", "active"]


class AuditEventFilterSet(django_filters.FilterSet):
    """The audit administrator's search: by person, object, action, address and time (each on an index)."""

    person = django_filters.CharFilter(label=_("操作人"), method="filter_person",
                                       help_text=_("用户名或姓名"))
    action = django_filters.CharFilter(label=_("操作"), lookup_expr="startswith",
                                       help_text=_("如 auth.、case.、rules.；按开头匹配"))
    object_type = django_filters.CharFilter(label=_("对象类型"), help_text=_("如 org.user、cases.case"))
    object_id = django_filters.CharFilter(label=_("对象ID"))
    obj = django_filters.CharFilter(label=_("对象"), field_name="object_repr", lookup_expr="startswith",
                                    help_text=_("对象名称的开头，如事项编号"))
    ip_address = django_filters.CharFilter(label=_("IP地址"), method="filter_ip")
    since = django_filters.DateFilter(label=_("起始日期"), method="filter_since")
    until = django_filters.DateFilter(label=_("截止日期"), method="filter_until")

    class Meta:
        model = AuditEvent
        fields = ["person", "action", "object_type", "object_id", "obj", "ip_address", "since", "until"]

    def filter_person(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        people = User.objects.filter(Q(username=value) | Q(name=value)).values("pk")
        # A failed login has no actor yet: it names the account tried (object_repr is its user name).
        return qs.filter(Q(actor__in=people) | Q(object_type="org.user", object_repr=value))

    def filter_ip(self, qs, name, value):
        try:
            return qs.filter(ip_address=ipaddress.ip_address(value.strip()).compressed)
        except ValueError:
            return qs.none()

    def filter_since(self, qs, name, value):
        return qs.filter(at__gte=_day_start(value))

    def filter_until(self, qs, name, value):
        return qs.filter(at__lt=_day_start(value + timedelta(days=1)))


def _day_start(day):
    """Midnight of ``day`` in the site's time zone: the time range stays on the index of ``at``."""
    return timezone.make_aware(datetime.combine(day, time.min))
