"""Forms of the exchange pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import EventType


class ShapeField(forms.JSONField):
    """A JSON object, or nothing: an empty box, not "null"."""

    def prepare_value(self, value):
        return "" if value in (None, "") else super().prepare_value(value)


class SubscriberForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("例如：县政务数据共享平台"),
                           error_messages={"required": _("请填写名称。")})
    url = forms.URLField(label=_("接收地址"), max_length=500, assume_scheme="https",
                         error_messages={"required": _("请填写接收地址。"), "invalid": _("请填写有效的网址。")})
    events = forms.MultipleChoiceField(label=_("订阅的事件"), choices=EventType.choices,
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                       error_messages={"required": _("请选择要订阅的事件。"),
                                                       "invalid_choice": _("所选事件无效，请从列表中选择。")})
    source_system = forms.CharField(label=_("仅限来源系统"), max_length=30, required=False,
                                    help_text=_("上级平台的回传地址：填其来源系统代码（如 12345），"
                                                "只推送该平台交办的事项。"))
    shape = ShapeField(label=_("回传格式"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("不填为信访通标准格式。fields：对方字段取我方哪个值（如 data.case.external_id、"
                                        "type、data.case.reply）；codes：对方字段的代码对照（如 case.replied → 30）。"),
                            error_messages={"invalid": _("回传格式须为有效的JSON。")})


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_("Excel（.xlsx）或 CSV 文件，第一行为表头。"),
                           error_messages={"required": _("请选择要上传的台账文件。"), "empty": _("文件是空的。")})
