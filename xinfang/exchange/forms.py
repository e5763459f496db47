"""Forms of the exchange pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import EventType


class SubscriberForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("例如：县政务数据共享平台"),
                           error_messages={"required": _("请填写名称。")})
    url = forms.URLField(label=_("接收地址"), max_length=500, assume_scheme="https",
                         error_messages={"required": _("请填写接收地址。"), "invalid": _("请填写有效的网址。")})
    events = forms.MultipleChoiceField(label=_("订阅的事件"), choices=EventType.choices,
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                       error_messages={"required": _("请选择要订阅的事件。"),
                                                       "invalid_choice": _("所选事件无效，请从列表中选择。")})
