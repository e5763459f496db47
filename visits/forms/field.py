"""Forms of the field-work pages (views/field.py): field visits, return visits, meetings, duty rules and the county's
visit settings. They parse and check the input's shape; the services decide what is allowed."""

import re

from django import forms
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import selectors as case_selectors
from cases.choices import EvaluationMethod, Satisfaction
from xinfang.dates import MOMENT_VALIDATORS
from xinfang.org import selectors as org_selectors
from xinfang.org.choices import RegionLevel

from ..choices import MeetingKind, VisitKind

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
CASE_NUMBER_SPLIT = re.compile(r"[\s,，、;；]+")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.unit.name}）" if obj.unit_id else obj.display_name


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.unit.name}）" if obj.unit_id else obj.display_name


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}" if obj.level == RegionLevel.VILLAGE and obj.parent_id else obj.name


def _datetime_local(label, **kwargs) -> forms.DateTimeField:
    kwargs.setdefault("validators", MOMENT_VALIDATORS)
    return forms.DateTimeField(label=label, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
                               **kwargs)


def now_local() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


def people_in_scope(user):
    """The active people of the user's jurisdiction, for pickers (one query, units joined)."""
    return org_selectors.user_list(user=user).filter(is_active=True).order_by("unit__sort_order", "name", "username")


def return_visitors_in_scope(user):
    """People of the jurisdiction who may do return visits (hold visits.change_returnvisit through a role)."""
    perm = Permission.objects.filter(codename="change_returnvisit", content_type__app_label="visits")
    return people_in_scope(user).filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)).distinct()


class CaseNumbersField(forms.CharField):
    """Case numbers separated by spaces, commas or 、, resolved to the user's cases (``form.user``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("多个编号用空格或逗号分隔。"))
        super().__init__(**kwargs)

    def numbers(self, value: str) -> list[str]:
        return [n for n in CASE_NUMBER_SPLIT.split((value or "").strip()) if n]


class _CasesMixin:
    """Resolve ``case_numbers`` to cases in the user's jurisdiction; an unknown number is an error on the field."""

    def clean_case_numbers(self):
        numbers = self.fields["case_numbers"].numbers(self.cleaned_data.get("case_numbers", ""))
        cases = list(case_selectors.case_list(user=self.user).filter(number__in=numbers))
        missing = sorted(set(numbers) - {c.number for c in cases})
        if missing:
            raise forms.ValidationError(_("未找到信访事项：%(numbers)s") % {"numbers": "、".join(missing)})
        return cases


class FieldVisitForm(_CasesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("走访类型"), choices=VisitKind.choices, initial=VisitKind.HOUSEHOLD,
                             widget=forms.RadioSelect)
    visited_at = _datetime_local(_("走访时间"))
    region = RegionChoiceField(label=_("走访地点（乡镇、村居）"), queryset=None)
    cadres = UsersChoiceField(label=_("走访干部"), queryset=None, required=False,
                              help_text=_("可多选；不选时记为本人。"))
    household = forms.CharField(label=_("走访对象（户）"), max_length=100, required=False)
    summary = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 4}))
    issues_found = forms.CharField(label=_("发现问题"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    case_numbers = CaseNumbersField(label=_("相关信访事项编号"))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("visited_at", now_local())
        kwargs["initial"].setdefault("cadres", [user.pk])
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = (org_selectors.region_list(user=user)
                                          .filter(level__gte=RegionLevel.TOWNSHIP).order_by("path"))
        self.fields["cadres"].queryset = people_in_scope(user)


class ReturnVisitForm(forms.Form):
    result = forms.ChoiceField(label=_("回访结果"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("回访方式"), widget=forms.RadioSelect, initial=EvaluationMethod.PHONE,
                               choices=[(EvaluationMethod.VISIT, EvaluationMethod.VISIT.label),
                                        (EvaluationMethod.PHONE, EvaluationMethod.PHONE.label)])
    note = forms.CharField(label=_("信访人意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("不满意的，须记录信访人的意见。"))
    visited_at = _datetime_local(_("回访时间"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("visited_at", now_local())
        super().__init__(*args, **kwargs)


class MeetingForm(_CasesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("会议名称"), max_length=100)
    held_at = _datetime_local(_("召开时间"))
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    region = RegionChoiceField(label=_("区划"), queryset=None)
    chair = UserChoiceField(label=_("主持人"), queryset=None, required=False)
    attendees = UsersChoiceField(label=_("参会人员"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 8}))
    decisions = forms.CharField(label=_("会议决定"), widget=forms.Textarea(attrs={"rows": 4}))
    case_numbers = CaseNumbersField(label=_("研究的信访事项编号"))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_at", now_local())
        if user.region is not None:
            kwargs["initial"].setdefault("region", user.region.pk)
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = org_selectors.region_list(user=user).order_by("path")
        self.fields["chair"].queryset = people_in_scope(user)
        self.fields["attendees"].queryset = people_in_scope(user)


