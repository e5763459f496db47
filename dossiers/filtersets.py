"""FilterSets of the dossiers app, each shared by its page and its API endpoint."""

from datetime import timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import BacklogSource
from cases.filtersets import CARD_CHOICES, card_condition
from xinfang.org.filtersets import SubtreeFilter

from .choices import ListingStatus, Stage
from .models import Dossier, Listing

AGE_CHOICES = [("90", _("积案超过3个月")), ("180", _("积案超过6个月")), ("365", _("积案超过1年"))]


class DossierFilterSet(django_filters.FilterSet):
    """The backlog board: by stage, owner, source, age and the case's card colour."""

    stage = django_filters.MultipleChoiceFilter(label=_("阶段"), choices=Stage.choices, distinct=False)
    source = django_filters.ChoiceFilter(label=_("积案来源"), choices=BacklogSource.choices)
    owner = django_filters.NumberFilter(label=_("包案领导"), method="filter_owner")
    age = django_filters.ChoiceFilter(label=_("积案时长"), choices=AGE_CHOICES, method="filter_age")
    card = django_filters.ChoiceFilter(label=_("红黄牌"), choices=CARD_CHOICES, method="filter_card")
    region = SubtreeFilter(label=_("问题属地代码（含下级）"), field_name="case__region")
    relapsed = django_filters.BooleanFilter(label=_("反弹过"), method="filter_relapsed")
    batch = django_filters.CharFilter(label=_("交办批次"), field_name="source_batch")
    unit = django_filters.NumberFilter(label=_("主办单位"), field_name="case__lead_unit_id")

    class Meta:
        model = Dossier
        fields = ["stage", "source", "owner", "age", "card", "region", "relapsed", "batch", "unit"]

    def filter_owner(self, qs, name, value):
        return qs.filter(owners__user_id=value).distinct() if value else qs

    def filter_age(self, qs, name, value):
        # The board's 积案天数 (selectors.backlog_days): counted from the case's receipt.
        return qs.filter(case__received_at__lt=timezone.now() - timedelta(days=int(value))) if value else qs

    def filter_card(self, qs, name, value):
        return qs.filter(card_condition(value, prefix="case__"))

    def filter_relapsed(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(relapse_count__gt=0) if value else qs.filter(relapse_count=0)


class ListingFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ListingStatus.choices, distinct=False)

    class Meta:
        model = Listing
        fields = ["status"]
