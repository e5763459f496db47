"""Forms of the organisation pages: they parse and validate input; services do the work."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .choices import ADMINISTRATORS, Role, TokenScope

# Roles an API client's service account may hold (never an admin role).
API_CLIENT_ROLES = [(r.value, r.label) for r in Role if r != Role.COUNTY_ADMIN and r not in ADMINISTRATORS]


def api_resources() -> list[tuple[str, str]]:
    """The API's resources, the first segment of each address under /api/v1/ (what a token may be limited to)."""
    from xinfang.urls import api_v1  # the URL configuration reads the views, which read these forms

    found = set()
    for included in api_v1:
        for pattern in included.url_patterns:
            segment = str(pattern.pattern).lstrip("^").split("/", 1)[0]
            if segment and segment.replace("-", "").replace("_", "").isalnum():
                found.add(segment)
    return [(r, r) for r in sorted(found)]


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("客户端名称"), max_length=100, help_text=_("例如：12345热线平台、市信访信息系统"))
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=None,
                                  help_text=_("客户端只能访问该单位辖区内的数据。"))
    roles = forms.MultipleChoiceField(label=_("角色"), choices=API_CLIENT_ROLES, widget=forms.CheckboxSelectMultiple,
                                      initial=[Role.CASEWORKER])
    scope = forms.ChoiceField(label=_("权限范围"), choices=TokenScope.choices, initial=TokenScope.READ,
                              help_text=_("只读令牌不能提交或修改数据。"))
    endpoints = forms.MultipleChoiceField(label=_("可访问的接口"), required=False, choices=(),
                                          widget=forms.SelectMultiple(attrs={"size": 6}),
                                          help_text=_("不选为角色允许的全部接口。"))
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1, initial=365, error_messages={
        "required": _("请填写令牌有效期。"), "invalid": _("请填写整数。"), "min_value": _("有效期至少1天。")})
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, unit_queryset, max_days: int = 365, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset
        self.fields["endpoints"].choices = api_resources()
        days = self.fields["days"]
        days.max_value, days.initial = max_days, min(365, max_days)
        days.validators.append(MaxValueValidator(max_days, _("本县规定令牌最长有效%(limit_value)s天。")))
        days.help_text = _("最长%(n)s天（密码与登录规则）。") % {"n": max_days}
        self.fields["unit"].error_messages["invalid_choice"] = _("请选择本辖区内的单位。")


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("角色"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                      help_text=_("系统管理员、安全管理员、审计管理员须由不同账号担任，审计管理员不兼任其他角色。"))


class UnitNamesForm(forms.Form):
    short_name = forms.CharField(label=_("简称"), max_length=30, required=False,
                                 error_messages={"max_length": _("简称最多%(limit_value)d个字。")})
    aliases = forms.CharField(label=_("别名"), max_length=200, required=False,
                              help_text=_("群众和干部的其他叫法，用空格或顿号分隔，如：住建局、建设局。选择单位时按名称、简称、别名和拼音首字母都能找到。"),
                              error_messages={"max_length": _("别名合计最多%(limit_value)d个字。")})
