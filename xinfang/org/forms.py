"""Forms of the organisation pages: they parse and validate input; services do the work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Role

# Roles an API client's service account may hold (never an admin role).
API_CLIENT_ROLES = [(r.value, r.label) for r in Role if r != Role.COUNTY_ADMIN]


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("客户端名称"), max_length=100, help_text=_("例如：12345热线平台、市信访信息系统"))
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=None,
                                  help_text=_("客户端只能访问该单位辖区内的数据。"))
    roles = forms.MultipleChoiceField(label=_("角色"), choices=API_CLIENT_ROLES, widget=forms.CheckboxSelectMultiple,
                                      initial=[Role.CASEWORKER])
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset
        self.fields["unit"].error_messages["invalid_choice"] = _("请选择本辖区内的单位。")
