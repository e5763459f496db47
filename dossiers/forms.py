"""Forms of the dossier pages (views.py): they parse and check the input's shape; the services decide what is allowed
(who may act, in which stage, whom a dossier may name)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import UpperSource
from visits.forms.field import UserChoiceField, people_in_scope
from xinfang.dates import DATE_VALIDATORS, MOMENT_VALIDATORS
from xinfang.org import selectors as org_selectors
from xinfang.org.choices import Role

from .choices import ClaimKind, MemberRole

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def leaders_in_scope(user):
    """The active leaders of the user's jurisdiction (a leader level or the leader role), for owner pickers."""
    return people_in_scope(user).filter(Q(leader_level__isnull=False) | Q(groups__name=Role.LEADER)).distinct()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DesignateForm(forms.Form):
    reason = forms.CharField(label=_("列为积案理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class BatchForm(forms.Form):
    upper_source = forms.ChoiceField(label=_("交办来源"), choices=UpperSource.choices)
    batch = forms.CharField(label=_("交办批次"), max_length=50,
                            help_text=_("与登记时填写的批次一致，如“2026年第3批”。"))


class OwnersForm(forms.Form):
    primary = UserChoiceField(label=_("第一包案领导"), queryset=None)
    second = UserChoiceField(label=_("第二包案领导（双包案）"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary"].queryset = leaders_in_scope(user)
        self.fields["second"].queryset = leaders_in_scope(user)


class MemberForm(forms.Form):
    user = UserChoiceField(label=_("人员"), queryset=None)
    role = forms.ChoiceField(label=_("专班职责"), choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_in_scope(user)


class PlanForm(forms.Form):
    plan = forms.CharField(label=_("化解方案"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    facts = forms.CharField(label=_("包事实"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    difficulty = forms.CharField(label=_("包困难"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    persuasion = forms.CharField(label=_("包说服"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the dossier as the form showed it

    @classmethod
    def initial_from(cls, dossier) -> dict:
        return {"plan": dossier.plan, "facts": dossier.facts_commitment,
                "difficulty": dossier.difficulty_commitment, "persuasion": dossier.persuasion_commitment,
                "version": dossier.version}


class MeasureForm(forms.Form):
    owner = UserChoiceField(label=_("责任人"), queryset=None)
    action = forms.CharField(label=_("措施"), max_length=300)
    due_on = forms.DateField(label=_("完成时限"), validators=DATE_VALIDATORS,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_in_scope(user)


class StartForm(forms.Form):
    """化解方案生效: nothing to fill in; the service checks the 五个一."""


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("化解进度（%）"), min_value=0, max_value=100)
    note = forms.CharField(label=_("进展情况"), max_length=300)


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("提请理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class EscalationRecordForm(forms.Form):
    outcome = forms.CharField(label=_("会审意见"), widget=forms.Textarea(attrs={"rows": 2}))
    held_at = forms.DateTimeField(label=_("会审时间"), required=False, validators=MOMENT_VALIDATORS,
                                  input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
                                  help_text=_("不填为现在。"))


class SignOffForm(forms.Form):
    petitioner_stopped = forms.BooleanField(label=_("信访人已息诉息访"), required=False)
    note = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 2}))
    agreement = forms.CharField(label=_("化解协议"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("销号意见"), max_length=300, required=False)


class PublishForm(forms.Form):
    points = forms.IntegerField(label=_("积分"), min_value=0, max_value=1000, required=False,
                                help_text=_("不填按本县规则。"))
    claim_days = forms.IntegerField(label=_("办结时限（天）"), min_value=1, max_value=365, required=False,
                                    help_text=_("不填按本县规则。"))
    note = forms.CharField(label=_("榜单说明"), max_length=300, required=False)


class MeasureDoneForm(forms.Form):
    note = forms.CharField(label=_("完成情况"), max_length=300, required=False)


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("揭榜方式"), choices=ClaimKind.choices, initial=ClaimKind.SELF,
                             widget=forms.RadioSelect)
    recommended_by = UnitChoiceField(label=_("推荐单位"), queryset=None, required=False,
                                     help_text=_("单位推荐时选择。"))
    statement = forms.CharField(label=_("揭榜承诺"), max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended_by"].queryset = org_selectors.unit_choices_for(user)


class ClaimDecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("审批"), choices=[("1", _("批准")), ("0", _("不批准"))],
                                     coerce=lambda v: v == "1")
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False)


