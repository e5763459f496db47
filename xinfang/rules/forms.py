"""The form of a group of county settings, built from the group's fields (registry.Field), with the why and the
day it takes effect. The service checks the values again: the page and the API share its checks."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.dates import DATE_VALIDATORS

from .registry import CHOICES, Group


class RulesForm(forms.Form):
    reason = forms.CharField(label=_("修改理由"), max_length=300,
                             help_text=_("例如：县信访联席会议2026年第4次会议决定。记入版本历史和审计记录。"))
    valid_from = forms.DateField(label=_("生效日期"), required=False, validators=DATE_VALIDATORS,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("不填为今天；填以后的日期，则到那天起按新规则办理。"))
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, group: Group, values: dict, **kwargs):
        super().__init__(*args, **kwargs)
        rules = {}
        for f in group.fields:
            if f.kind == CHOICES:
                rules[f.name] = forms.MultipleChoiceField(
                    label=f.label, choices=f.choices, required=False, widget=forms.CheckboxSelectMultiple,
                    help_text=f.help, initial=values[f.name])
            else:
                label = f"{f.label}（{f.unit}）" if f.unit else f.label
                rules[f.name] = forms.IntegerField(label=label, min_value=f.min, max_value=f.max, help_text=f.help,
                                                   initial=values[f.name])
        # The group's fields first, then the why and the when.
        self.fields = {**rules, **self.fields}
        self.fields["valid_from"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.group = group

    def rule_values(self) -> dict:
        return {f.name: self.cleaned_data[f.name] for f in self.group.fields}


class ReasonForm(forms.Form):
    """Why an old version is restored, or a pending one withdrawn."""

    reason = forms.CharField(label=_("理由"), max_length=300)
