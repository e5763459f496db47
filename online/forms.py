"""Forms of the public pages and the staff's queue. Thin: the services check everything and say it in Chinese."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import Satisfaction


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class SubmitForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    code = forms.CharField(label=_("短信验证码"), max_length=6, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    region = forms.IntegerField(label=_("问题发生地"), required=False)
    category = forms.IntegerField(label=_("事项类别"), required=False)
    summary = forms.CharField(label=_("反映事项"), max_length=300, required=False,
                              help_text=_("用一句话概括，例如：反映某小区物业乱收费"))
    facts = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    demands = forms.CharField(label=_("诉求"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = MultipleFileField(label=_("材料（照片或PDF，可不传）"), required=False)
    promised = forms.BooleanField(label=_("本人承诺所反映的情况属实，如有不实愿承担相应责任。"), required=False)
    challenge = forms.CharField(label=_("验证问题"), required=False)
    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)


class TrackForm(forms.Form):
    # No lengths here: the service answers any wrong pair the same way.
    query_code = forms.CharField(label=_("查询码"), required=False)
    last_four = forms.CharField(label=_("手机号后四位"), required=False)
    code = forms.CharField(label=_("短信验证码"), required=False)
    action = forms.ChoiceField(choices=[("", ""), ("digits", "digits"), ("code", "code"), ("sms", "sms")],
                               required=False)
    challenge = forms.CharField(label=_("验证问题"), required=False)
    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)


class RateForm(forms.Form):
    result = forms.ChoiceField(label=_("您对答复的评价"), choices=Satisfaction.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("请选择满意、基本满意或不满意。"),
                                               "invalid_choice": _("请选择满意、基本满意或不满意。")})
    note = forms.CharField(label=_("意见（可不填）"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

