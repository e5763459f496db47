"""Forms of the schedule, slot, campaign, booking and reception pages (views/schedule.py). They only parse the input
into the services' dataclasses; every rule about what is allowed stays in visits/services/. The choices they offer
come from the scoped selectors, so a forged id outside the user's jurisdiction is simply an invalid choice."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import selectors as case_selectors
from cases import services as case_services
from xinfang.dates import DATE_VALIDATORS, MOMENT_VALIDATORS
from xinfang.org import selectors as org_selectors
from xinfang.org.choices import RegionLevel

from .. import selectors, services
from ..choices import Frequency, SlotKind, Weekday, WeekOfMonth

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parts = [obj.display_name, obj.title, obj.unit.name if obj.unit_id else ""]
        return " · ".join(p for p in parts if p)


class _PlaceFields(forms.Form):
    """Where, who and what: shared by the recurring rule and the one-off slot."""

    region = forms.ModelChoiceField(label=_("接访区划"), queryset=None)
    level = forms.TypedChoiceField(label=_("接访层级"), choices=RegionLevel.choices, coerce=int,
                                   initial=RegionLevel.COUNTY)
    kind = forms.ChoiceField(label=_("接访类型"), choices=SlotKind.choices, initial=SlotKind.REGULAR)
    leader = LeaderChoiceField(label=_("接访领导"), queryset=None, required=False,
                               help_text=_("领导接访和坐班接访须指定。"))
    title = forms.CharField(label=_("接访主题"), max_length=100)
    place = forms.CharField(label=_("接访地点"), max_length=100)
    departments = forms.ModelMultipleChoiceField(label=_("参加部门"), queryset=None, required=False,
                                                 widget=forms.SelectMultiple(attrs={"size": 4}))
    capacity = forms.IntegerField(label=_("可预约批次"), min_value=1, max_value=500, initial=10)
    is_public = forms.BooleanField(label=_("对外公布"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (org_selectors.region_list(user=user)
                                          .filter(level__lte=RegionLevel.TOWNSHIP).order_by("path"))
        self.fields["leader"].queryset = selectors.leader_choices(user=user)
        self.fields["departments"].queryset = org_selectors.unit_choices_for(user)
        if user.unit_id and not self.is_bound:
            self.initial.setdefault("region", user.unit.region_id)

    def place_values(self) -> dict:
        d = self.cleaned_data
        return {"region": d["region"], "level": d["level"], "kind": d["kind"], "leader": d["leader"],
                "title": d["title"], "place": d["place"], "departments": list(d["departments"]),
                "capacity": d["capacity"], "is_public": d["is_public"]}


class ScheduleForm(_PlaceFields):
    """A recurring reception rule (every Thursday afternoon; the first Monday of each month)."""

    frequency = forms.ChoiceField(label=_("周期"), choices=Frequency.choices, initial=Frequency.WEEKLY)
    interval = forms.IntegerField(label=_("间隔"), min_value=1, max_value=12, initial=1,
                                  help_text=_("每隔几周（几个月）一次。"))
    weekday = forms.TypedChoiceField(label=_("星期"), choices=Weekday.choices, coerce=int)
    week_of_month = forms.TypedChoiceField(label=_("每月第几个"), choices=[("", "—"), *WeekOfMonth.choices],
                                           coerce=int, empty_value=None, required=False,
                                           help_text=_("每月的规则填写，如每月第一个星期一。"))
    start_time = forms.TimeField(label=_("开始时间"), widget=TIME)
    end_time = forms.TimeField(label=_("结束时间"), widget=TIME)
    starts_on = forms.DateField(label=_("起始日期"), widget=DATE, validators=DATE_VALIDATORS)
    ends_on = forms.DateField(label=_("截止日期"), widget=DATE, required=False, validators=DATE_VALIDATORS)
    skip_holidays = forms.BooleanField(label=_("节假日不安排"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.initial.setdefault("starts_on", timezone.localdate())

    def to_input(self) -> services.ScheduleInput:
        d = self.cleaned_data
        return services.ScheduleInput(
            **self.place_values(), weekday=d["weekday"], start_time=d["start_time"], end_time=d["end_time"],
            starts_on=d["starts_on"], frequency=d["frequency"], interval=d["interval"],
            week_of_month=d["week_of_month"], ends_on=d["ends_on"], skip_holidays=d["skip_holidays"])


class SlotForm(_PlaceFields):
    """A one-off reception slot on one day."""

    day = forms.DateField(label=_("日期"), widget=DATE, validators=DATE_VALIDATORS)
    start_time = forms.TimeField(label=_("开始时间"), widget=TIME)
    end_time = forms.TimeField(label=_("结束时间"), widget=TIME)

    def to_input(self) -> services.SlotInput:
        d = self.cleaned_data
        return services.SlotInput(
            **self.place_values(),
            starts_at=timezone.make_aware(datetime.combine(d["day"], d["start_time"])),
            ends_at=timezone.make_aware(datetime.combine(d["day"], d["end_time"])))


class CampaignForm(forms.Form):
    """集中接访: one afternoon on one topic in every county under the region."""

    region = forms.ModelChoiceField(label=_("组织区划"), queryset=None,
                                    help_text=_("在所选区划下的每个县同时安排一场接访。"))
    title = forms.CharField(label=_("主题"), max_length=100)
    topic = forms.CharField(label=_("接访重点"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME, validators=MOMENT_VALIDATORS)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME, validators=MOMENT_VALIDATORS)
    place = forms.CharField(label=_("接访地点"), max_length=100, required=False,
                            help_text=_("不填则以主题为地点，各县可另行通知。"))
    capacity = forms.IntegerField(label=_("每县可预约批次"), min_value=1, max_value=500, initial=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (org_selectors.region_list(user=user)
                                          .filter(level__lte=RegionLevel.COUNTY).order_by("path"))


def _case_by_number(user, number: str):
    return case_selectors.case_list(user=user).filter(number=number.strip()).first()


class BookingForm(forms.Form):
    """Book into a slot: an existing case (its lead petitioner), or a person named here."""

    case_number = forms.CharField(label=_("信访事项编号"), max_length=40, required=False,
                                  help_text=_("已登记的事项填编号；否则填写下面的信访人。"))
    petitioner_name = forms.CharField(label=_("信访人姓名"), max_length=50, required=False)
    petitioner_id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    petitioner_phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    topic = forms.CharField(label=_("反映事项"), max_length=300, required=False,
                            help_text=_("选择事项时可不填，默认为事项的诉求摘要。"))
    head_count = forms.IntegerField(label=_("人数"), min_value=1, max_value=999, initial=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        d = super().clean()
        number, name = d.get("case_number", "").strip(), d.get("petitioner_name", "").strip()
        d["case"] = None
        if number:
            d["case"] = _case_by_number(self.user, number)
            if d["case"] is None:
                self.add_error("case_number", _("未找到该信访事项。"))
        elif not name:
            raise forms.ValidationError(_("请填写信访事项编号，或填写信访人姓名。"))
        elif not d.get("topic", "").strip():
            self.add_error("topic", _("请填写反映事项。"))
        return d

    def to_kwargs(self) -> dict:
        d = self.cleaned_data
        petitioner_data = None
        if d["case"] is None:
            petitioner_data = case_services.PetitionerInput(
                name=d["petitioner_name"].strip(), id_number=d["petitioner_id_number"], phone=d["petitioner_phone"])
        return {"case": d["case"], "petitioner_data": petitioner_data, "topic": d["topic"],
                "head_count": d["head_count"]}


class ReceptionForm(forms.Form):
    """Record a leader's reception: link an open case, or open a new one (channel 领导接访)."""

    appointment = forms.IntegerField(widget=forms.HiddenInput, required=False)
    slot = forms.IntegerField(widget=forms.HiddenInput, required=False)
    leader = LeaderChoiceField(label=_("接访领导"), queryset=None)
    received_at = forms.DateTimeField(label=_("接访时间"), widget=DATETIME, validators=MOMENT_VALIDATORS)
    place = forms.CharField(label=_("接访地点"), max_length=100, required=False)
    head_count = forms.IntegerField(label=_("人数"), min_value=1, max_value=999, initial=1)
    raised = forms.CharField(label=_("反映问题"), widget=forms.Textarea(attrs={"rows": 3}))
    decided = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}))
    case_number = forms.CharField(label=_("关联信访事项编号"), max_length=40, required=False,
                                  help_text=_("已登记的事项填编号；不填则登记为新的信访事项。"))
    category = forms.ModelChoiceField(label=_("类别"), queryset=None, required=False)
    region = forms.ModelChoiceField(label=_("问题属地"), queryset=None, required=False)
    petitioner_name = forms.CharField(label=_("信访人姓名"), max_length=50, required=False)
    petitioner_id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    petitioner_phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    summary = forms.CharField(label=_("诉求摘要"), max_length=300, required=False,
                              help_text=_("不填则取反映问题的前300字。"))
    is_skip_level = forms.BooleanField(label=_("越级"), required=False)

    def __init__(self, *args, user, slot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["leader"].queryset = selectors.leader_choices(user=user, also=slot.leader if slot else None)
        self.fields["category"].queryset = case_selectors.category_choices(user=user)
        self.fields["region"].queryset = (org_selectors.region_list(user=user)
                                          .filter(level__gte=RegionLevel.COUNTY).order_by("path"))
        self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean(self):
        d = super().clean()
        d["case"] = None
        number = d.get("case_number", "").strip()
        if number:
            d["case"] = _case_by_number(self.user, number)
            if d["case"] is None:
                self.add_error("case_number", _("未找到该信访事项。"))
        return d

    def to_input(self, *, slot, appointment) -> services.ReceptionInput:
        d = self.cleaned_data
        name = d["petitioner_name"].strip()
        petitioner_data = case_services.PetitionerInput(
            name=name, id_number=d["petitioner_id_number"], phone=d["petitioner_phone"]) if name else None
        return services.ReceptionInput(
            leader=d["leader"], received_at=d["received_at"], raised=d["raised"], decided=d["decided"],
            place=d["place"], region=d["region"], head_count=d["head_count"], slot=slot, appointment=appointment,
            case=d["case"], petitioner_data=petitioner_data, category=d["category"], summary=d["summary"],
            is_skip_level=d["is_skip_level"])
