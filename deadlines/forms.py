"""Forms of the county admin's configuration pages: they parse and type the input; the services
(deadlines.services, xinfang.workdays.services) decide what is allowed and say why in Chinese."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import Channel, UpperSource

from .choices import AppliesTo, ClockEvent, DayKind, Party
from .models import Milestone
from .services import MILESTONE_FIELDS, RuleSetInput

DAYS_MESSAGE = _("时限应在1至365天之间。")
# Django formats these messages with %(limit_value)s, hence the doubled percent signs.
WARN_PERCENT_MESSAGE = _("黄牌比例应在1%%至99%%之间。")
CHECK = {"class": "form-check-input"}


class MilestoneForm(forms.Form):
    """A milestone of a rule set. ``code`` is asked only when adding one (``new=True``); it must not be taken."""

    code = forms.SlugField(label=_("节点代码"), max_length=30, required=False,
                           help_text=_("英文字母、数字或下划线，如 visit_back；保存后不能修改。"))
    name = forms.CharField(label=_("节点名称"), max_length=40)
    start_event = forms.ChoiceField(label=_("起算事件"), choices=ClockEvent.choices)
    end_event = forms.ChoiceField(label=_("完成事件"), choices=ClockEvent.choices)
    days = forms.IntegerField(label=_("时限（天）"), min_value=1, max_value=365,
                              error_messages={"min_value": DAYS_MESSAGE, "max_value": DAYS_MESSAGE})
    day_kind = forms.ChoiceField(label=_("计算方式"), choices=DayKind.choices, widget=forms.RadioSelect(attrs=CHECK))
    applies_to = forms.ChoiceField(label=_("适用范围"), choices=AppliesTo.choices)
    party = forms.ChoiceField(label=_("责任方"), choices=Party.choices)
    extendable = forms.BooleanField(label=_("可延期"), required=False, help_text=_("批准延期后顺延。"))
    restart_on_reassign = forms.BooleanField(label=_("重新交办后重新计时"), required=False)
    warn_days = forms.IntegerField(label=_("黄牌提前（工作日）"), min_value=0, max_value=60, initial=1)
    warn_percent = forms.IntegerField(
        label=_("黄牌：已用时限比例（%）"), min_value=1, max_value=99, required=False,
        help_text=_("填写后按已用时限比例亮黄牌（如 80），代替提前工作日数；不填则按提前工作日数。"),
        error_messages={"min_value": WARN_PERCENT_MESSAGE, "max_value": WARN_PERCENT_MESSAGE})
    second_red = forms.BooleanField(label=_("严重超期红牌"), required=False,
                                    help_text=_("超期后再超过一个时限仍未完成的，亮第二级红牌。"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, new: bool, taken_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.new = new
        self.taken_codes = set(taken_codes)
        if new:
            self.fields["code"].required = True
        else:
            del self.fields["code"]

    @classmethod
    def initial_from(cls, milestone: Milestone) -> dict:
        return {name: getattr(milestone, name) for name in MILESTONE_FIELDS}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code in self.taken_codes:
            raise forms.ValidationError(_("同一规则中节点代码不能重复。"))
        return code

    def values(self) -> dict:
        """The milestone's fields, as ``services.milestone_save`` takes them."""
        return {name: self.cleaned_data[name] for name in MILESTONE_FIELDS}


class RuleSetForm(forms.Form):
    """Which cases a rule set governs. Nothing ticked in a list means the rule set does not look at it."""

    name = forms.CharField(label=_("规则名称"), max_length=60, help_text=_("例如：领导接访事项、中央交办事项"))
    priority = forms.IntegerField(label=_("优先级"), min_value=1, max_value=9999, initial=100,
                                  help_text=_("数字小的先匹配；都不匹配时用默认规则。"))
    channels = forms.MultipleChoiceField(label=_("适用信访形式"), choices=Channel.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple(attrs=CHECK),
                                         help_text=_("不选表示全部信访形式。"))
    upper_sources = forms.MultipleChoiceField(label=_("适用交办来源"), choices=UpperSource.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple(attrs=CHECK),
                                              help_text=_("不选表示不限交办来源。"))
    categories = forms.ModelMultipleChoiceField(label=_("适用类别"), queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple(attrs=CHECK),
                                                help_text=_("不选表示全部类别；选一级类别即含其下级类别。"))
    escalate_after_days = forms.IntegerField(label=_("红牌升级（工作日）"), min_value=1, max_value=60, initial=3,
                                             help_text=_("红牌超过这么多个工作日仍未办理的，提请上一级领导督办。"))

    def __init__(self, *args, category_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = category_queryset
        self.fields["categories"].error_messages["invalid_choice"] = _("请选择本县的信访类别。")

    def input(self) -> RuleSetInput:
        data = self.cleaned_data
        return RuleSetInput(name=data["name"], priority=data["priority"], channels=data["channels"],
                            upper_sources=data["upper_sources"], categories=list(data["categories"]),
                            escalate_after_days=data["escalate_after_days"])


class CalendarDayForm(forms.Form):
    """A county's override of one date."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("这一天"), choices=[("0", _("放假（休息日）")), ("1", _("上班（工作日）"))],
        coerce=lambda v: v == "1", widget=forms.RadioSelect(attrs=CHECK), initial="0")
    name = forms.CharField(label=_("说明"), max_length=50, help_text=_("如：春节、调休上班、县庆放假、台风停工"))


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
