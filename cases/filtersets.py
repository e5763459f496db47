"""The case FilterSet: one definition for the case list page, its Excel export and the API."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.measures import MEASURE_CHOICES, set_condition
from xinfang.clocks import CARD_STATES, CASE_FIELDS, state_q
from xinfang.org import selectors as org_selectors
from xinfang.org.filtersets import SubtreeFilter

from . import selectors
from .choices import OPEN_STATUSES, CaseStatus, Channel, Satisfaction
from .models import Case

CARD_CHOICES = [("red", _("已超期（红牌）")), ("yellow", _("即将到期（黄牌）")), ("any", _("红牌或黄牌"))]


# Each card filter as states of the card rule over a case's stored earliest dates (xinfang.clocks).
_CARD_STATES = {"red": ("red2", "red"), "yellow": ("yellow",), "any": CARD_STATES}


def card_condition(value: str, prefix: str = "") -> Q:
    """Cases (or rows hanging off a case by ``prefix``, e.g. "case__") whose card is ``value`` now: from the case's
    stored earliest due and warn dates, so right between two sweeps (Case.card_colour)."""
    if value not in _CARD_STATES:
        return Q()
    return state_q(_CARD_STATES[value], timezone.localdate(), prefix=prefix, fields=CASE_FIELDS)


class UrgencyOrderingFilter(django_filters.OrderingFilter):
    """Ordering where "due_on" means urgency: the earliest due date first and cases with no running clock last,
    on every database (the cases_case_due index stores NULLs last, so PostgreSQL reads it in order)."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = self.param_map[param.lstrip("-")]
        if field == "due_on":
            return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        return super().get_ordering_value(param)


class AnyYesNo(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads 不限 (any), not 未知."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("不限")), ("true", _("是")), ("false", _("否"))]

    def format_value(self, value):
        return {True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")


def yes_no(label, **kwargs):
    return django_filters.BooleanFilter(label=label, widget=AnyYesNo, **kwargs)


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q",
                                  help_text=_("编号、身份证号、电话、姓名或诉求中的词语"),
                                  widget=forms.TextInput(attrs={"type": "search", "placeholder": _(
                                      "编号、身份证号、电话、姓名或诉求中的词语")}))
    # The multiple-choice filters are on the case's own columns: no join, so no duplicate rows and no DISTINCT (which
    # django-filter adds by default and which made the filtered list's count a sort of every matching row).
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=CaseStatus.choices, distinct=False,
                                                 widget=forms.CheckboxSelectMultiple)
    open = yes_no(_("未办结"), method="filter_open")
    channel = django_filters.MultipleChoiceFilter(label=_("信访形式"), choices=Channel.choices, distinct=False,
                                                  widget=forms.CheckboxSelectMultiple)
    category = django_filters.NumberFilter(label=_("类别（含下级）"), method="filter_category")
    region = SubtreeFilter(label=_("问题属地（含下级）"), field_name="region")
    # The matters of one region itself, not of its subtree (the dashboard's 县直 row); a drill-down field.
    region_exact = django_filters.CharFilter(label=_("问题属地（仅本级）"), field_name="region__code",
                                             widget=forms.HiddenInput)
    unit = django_filters.NumberFilter(label=_("主办单位"), field_name="lead_unit_id")
    received_after = django_filters.DateFilter(label=_("收到日期起"), field_name="received_at",
                                               lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"}))
    received_before = django_filters.DateFilter(label=_("收到日期止"), field_name="received_at",
                                                lookup_expr="date__lte",
                                                widget=forms.DateInput(attrs={"type": "date"}))
    is_repeat = yes_no(_("重复信访"))
    is_collective = yes_no(_("集体访"))
    is_skip_level = yes_no(_("越级访"))
    is_to_province = yes_no(_("赴省访"))
    is_to_beijing = yes_no(_("进京访"))
    card = django_filters.ChoiceFilter(label=_("红黄牌"), method="filter_card", choices=CARD_CHOICES,
                                       empty_label=_("不限"))
    satisfaction = django_filters.MultipleChoiceFilter(label=_("满意度"), choices=Satisfaction.choices, distinct=False,
                                                       widget=forms.CheckboxSelectMultiple)
    # The dashboards' drill-down: the cases counted in one of their figures (dashboards.measures.SETS).
    # Set by the dashboards' links, not picked in the form: a hidden field, shown on the list as a removable chip.
    measure = django_filters.ChoiceFilter(label=_("统计口径"), choices=MEASURE_CHOICES, method="filter_measure",
                                          widget=forms.HiddenInput)
    ordering = UrgencyOrderingFilter(
        label=_("排序"),
        fields=(("received_at", "received_at"), ("number", "number"), ("due_on", "due_on")),
        field_labels={"received_at": _("收到时间"), "number": _("编号"), "due_on": _("紧急程度（到期日）")},
        empty_label=_("默认（最新收到在前）"),
    )

    # The page's layout: the common filters in one row, the status as chips, the rest behind 更多筛选.
    MAIN = ("q", "channel", "received_after", "received_before", "card")
    CHIPS = ("status",)
    MORE = ("open", "category", "region", "unit", "satisfaction", "is_repeat", "is_collective", "is_skip_level",
            "is_to_province", "is_to_beijing", "ordering")

    class Meta:
        model = Case
        fields = ["q", "status", "open", "channel", "category", "region", "unit", "received_after",
                  "received_before", "is_repeat", "is_collective", "is_skip_level", "is_to_province",
                  "is_to_beijing", "card", "satisfaction", "measure", "region_exact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages show the county's categories by name; evaluated only when the form is rendered.
            loaded = []

            def categories():  # read once, when the form is rendered (the select asks for its choices twice)
                if not loaded:
                    loaded.extend([("", _("全部"))] + [(c.pk, str(c)) for c in selectors.tree_sorted(
                        selectors.category_choices(user=user))])
                return loaded

            self.filters["category"].extra["widget"] = forms.Select(choices=categories)
            # The region and the unit as searchable pickers showing names (static/js/autocomplete.js); the select
            # holds the chosen one, looked up in the person's jurisdiction.
            self.filters["region"].extra["widget"] = forms.Select(
                choices=self._chosen(org_selectors.region_chosen, "region", "code"))
            self.filters["unit"].extra["widget"] = forms.Select(
                choices=self._chosen(org_selectors.unit_chosen, "unit", "pk"))

    def _chosen(self, lookup, name: str, key: str):
        """The choices of a picker: 全部 and the value chosen in this request, by its label."""
        value = (self.data.get(name) or "").strip() if self.data is not None else ""
        chosen = [(getattr(obj, key), obj.picker_label) for obj in lookup(user=self.request.user, value=value)]
        return [("", _("全部"))] + chosen

    def filter_q(self, qs, name, value):
        return selectors.search_cases(qs, value)

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(status__in=OPEN_STATUSES) if value else qs.exclude(status__in=OPEN_STATUSES)

    def filter_card(self, qs, name, value):
        return qs.filter(card_condition(value))

    def filter_measure(self, qs, name, value):
        return qs.filter(set_condition(value, timezone.localdate())) if value else qs

    def filter_category(self, qs, name, value):
        return qs.filter(Q(category_id=value) | Q(category__parent_id=value))
