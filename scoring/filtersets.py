"""The ranking snapshots' FilterSet: one definition for the rankings page and its API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import PeriodKind
from .models import RankingSnapshot


class RankingSnapshotFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=PeriodKind.choices)

    class Meta:
        model = RankingSnapshot
        fields = ["kind"]
