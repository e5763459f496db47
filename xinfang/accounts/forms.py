"""Forms of the account pages: a code typed from the authenticator, an SMS or a recovery sheet; a mobile number."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(label=_("验证码"), max_length=16, error_messages={"required": _("请输入验证码。")},
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("手机号码"), max_length=20, error_messages={"required": _("请填写手机号码。")},
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
