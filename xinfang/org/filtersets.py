"""One FilterSet per model, shared by its page and its API endpoint."""

import django_filters
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    q = SearchFilter(fields=["name", "short_name"])
    kind = django_filters.ChoiceFilter(label=_("单位类型"), choices=UnitKind.choices)
    region = SubtreeFilter(label=_("所在区划代码（含下级）"), field_name="region")
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "region", "is_active"]


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
    action = django_filters.CharFilter(label=_("操作"), lookup_expr="startswith")
    object_type = django_filters.CharFilter(label=_("对象类型"))
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "since", "until"]
