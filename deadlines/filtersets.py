"""FilterSets of the deadlines app, each shared by its page and its API endpoint."""

import django_filters
from django.utils.translation import gettext_lazy as _

from xinfang.org.filtersets import SubtreeFilter

from .choices import CardColour, SupervisionKind
from .models import Card, Notification, Supervision


class CardFilterSet(django_filters.FilterSet):
    """Red and yellow cards: current ones by default (``current=false`` for the history)."""

    current = django_filters.BooleanFilter(label=_("当前有效"), method="filter_current")
    colour = django_filters.MultipleChoiceFilter(label=_("警示"), choices=CardColour.choices, distinct=False)
    unit = django_filters.NumberFilter(label=_("责任单位"), field_name="unit_id")
    leader = django_filters.NumberFilter(label=_("责任领导"), field_name="leader_id")
    region = SubtreeFilter(label=_("问题属地代码（含下级）"), field_name="case__region")
    case = django_filters.NumberFilter(label=_("信访事项"), field_name="case_id")
    escalated = django_filters.BooleanFilter(label=_("已提请上级督办"), field_name="escalated_at",
                                             lookup_expr="isnull", exclude=True)

    class Meta:
        model = Card
        fields = ["current", "colour", "unit", "leader", "region", "case", "escalated"]

    def filter_current(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(cleared_at__isnull=value)


class SupervisionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=SupervisionKind.choices)
    unit = django_filters.NumberFilter(label=_("被督办单位"), field_name="unit_id")
    answered = django_filters.BooleanFilter(label=_("已回复"), field_name="responded_at", lookup_expr="isnull",
                                            exclude=True)
    case = django_filters.NumberFilter(label=_("信访事项"), field_name="case_id")

    class Meta:
        model = Supervision
        fields = ["kind", "unit", "answered", "case"]


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(label=_("未读"), field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread"]
