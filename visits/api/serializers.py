"""API shapes of the visits app: what each resource reads as, and the input of each service behind a write.

Ids given in a body are looked up in the caller's jurisdiction (``ScopedPrimaryKeyField``): another county's id
reads as 'does not exist'. Personal data is not shown here beyond a petitioner's name.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import ScopedPrimaryKeyField
from cases.choices import EvaluationMethod, Satisfaction
from cases.models import Case, Category, Petitioner
from cases.services import PetitionerInput
from deadlines.api.serializers import NamedChoiceField, NamedChoiceFieldExtension
from xinfang.api.fields import MomentField
from xinfang.dates import DATE_VALIDATORS, MOMENT_VALIDATORS
from xinfang.org.choices import RegionLevel, Role
from xinfang.org.models import Region, Unit, User

from ..choices import (
    AppointmentStatus,
    DutyActivity,
    Frequency,
    LinkChannel,
    MeetingKind,
    Period,
    ReturnVisitStatus,
    SlotKind,
    VisitKind,
    Weekday,
    WeekOfMonth,
)
from ..models import (
    Appointment,
    Campaign,
    FieldVisit,
    Meeting,
    Reception,
    ReceptionSchedule,
    ReceptionSlot,
    ReturnVisit,
)
from ..selectors import STATS_MAX_DAYS


class RoleChoiceField(NamedChoiceField):
    """The organisation's roles as ``UserRoleEnum``: a case's assignment already owns ``RoleEnum`` (主办/协办).
    A constructor argument, not an attribute set afterwards: DRF rebuilds declared fields from their arguments."""

    def __init__(self, **kwargs):
        super().__init__(Role, **kwargs)
        self.enum_name = "UserRoleEnum"


class RoleChoiceFieldExtension(NamedChoiceFieldExtension):
    target_class = RoleChoiceField  # drf-spectacular matches an extension's exact class, not its subclasses


# Small references ---------------------------------------------------------------------------------------------

class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)


# Schedules, campaigns, slots, appointments ---------------------------------------------------------------------

class ScheduleSerializer(serializers.ModelSerializer):
    """A recurring reception rule (its dated slots are under /reception-slots/?schedule…)."""

    region_name = serializers.CharField(source="region.name", read_only=True)
    kind = NamedChoiceField(SlotKind, read_only=True)
    leader_name = serializers.CharField(source="leader.display_name", read_only=True, default=None)
    departments = UnitRefSerializer(many=True, read_only=True)

    class Meta:
        model = ReceptionSchedule
        fields = ["id", "region", "region_name", "level", "kind", "leader", "leader_name", "title", "place",
                  "departments", "capacity", "frequency", "interval", "weekday", "week_of_month", "start_time",
                  "end_time", "starts_on", "ends_on", "skip_holidays", "is_public", "is_active", "created_at"]
        read_only_fields = fields


class _PlaceInputSerializer(serializers.Serializer):
    """Where, at which level, who receives, with which departments: shared by rules and one-off slots."""

    region = ScopedPrimaryKeyField(Region, label=_("接访区划"))
    level = serializers.ChoiceField(label=_("接访层级"), choices=RegionLevel.choices)
    kind = NamedChoiceField(SlotKind, label=_("接访类型"), default=SlotKind.REGULAR)
    leader = ScopedPrimaryKeyField(User, label=_("接访领导"), required=False, allow_null=True, default=None)
    title = serializers.CharField(label=_("接访主题"), max_length=100)
    place = serializers.CharField(label=_("接访地点"), max_length=100)
    departments = ScopedPrimaryKeyField(Unit, label=_("参加部门"), many=True, required=False, default=list)
    capacity = serializers.IntegerField(label=_("可预约批次"), min_value=1, max_value=32767, default=10)
    is_public = serializers.BooleanField(label=_("对外公布"), default=True)


class ScheduleWriteSerializer(_PlaceInputSerializer):
    frequency = serializers.ChoiceField(label=_("周期"), choices=Frequency.choices, default=Frequency.WEEKLY)
    interval = serializers.IntegerField(label=_("间隔"), min_value=1, max_value=52, default=1,
                                        help_text=_("每隔几周（几个月）一次。"))
    weekday = serializers.ChoiceField(label=_("星期"), choices=Weekday.choices)
    week_of_month = serializers.ChoiceField(label=_("每月第几周"), choices=WeekOfMonth.choices, required=False,
                                            allow_null=True, default=None)
    start_time = serializers.TimeField(label=_("开始时间"))
    end_time = serializers.TimeField(label=_("结束时间"))
    starts_on = serializers.DateField(validators=DATE_VALIDATORS, label=_("起始日期"))
    ends_on = serializers.DateField(label=_("截止日期"), required=False, allow_null=True, default=None,
                                    validators=DATE_VALIDATORS)
    skip_holidays = serializers.BooleanField(label=_("节假日顺延取消"), default=True)


class CampaignSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "region", "region_name", "title", "topic", "starts_at", "ends_at", "created_at"]
        read_only_fields = fields


class CampaignWriteSerializer(serializers.Serializer):
    region = ScopedPrimaryKeyField(Region, label=_("组织区划"),
                                   help_text=_("县级或以上；其下每个县各生成一个接访时段。"))
    title = serializers.CharField(label=_("主题"), max_length=100)
    topic = serializers.CharField(label=_("接访重点"), required=False, allow_blank=True, default="")
    starts_at = MomentField(label=_("开始时间"))
    ends_at = MomentField(label=_("结束时间"))
    place = serializers.CharField(label=_("接访地点"), max_length=100, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(label=_("每县可预约批次"), min_value=1, max_value=32767, default=20)


class SlotSerializer(serializers.ModelSerializer):
    """A dated reception with the places taken (``n_booked``, from ``selectors.slot_list``) and left."""

    region_name = serializers.CharField(source="region.name", read_only=True)
    kind = NamedChoiceField(SlotKind, read_only=True)
    leader_name = serializers.CharField(source="leader.display_name", read_only=True, default=None)
    leader_unit = serializers.CharField(source="leader.unit.name", read_only=True, default=None)
    departments = UnitRefSerializer(many=True, read_only=True)
    n_booked = serializers.IntegerField(label=_("已预约批次"), read_only=True)
    places_left = serializers.SerializerMethodField(help_text=_("剩余可预约批次"))
    is_cancelled = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReceptionSlot
        fields = ["id", "schedule", "campaign", "region", "region_name", "level", "kind", "leader", "leader_name",
                  "leader_unit", "title", "place", "departments", "starts_at", "ends_at", "capacity", "n_booked",
                  "places_left", "is_public", "is_cancelled", "cancelled_at", "cancel_reason", "created_at"]
        read_only_fields = fields

    def get_places_left(self, slot) -> int:
        return max(slot.capacity - slot.n_booked, 0)


class SlotWriteSerializer(_PlaceInputSerializer):
    starts_at = MomentField(label=_("开始时间"))
    ends_at = MomentField(label=_("结束时间"))


class SlotCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("取消原因"), max_length=200)


class BookSerializer(serializers.Serializer):
    """A case (its lead petitioner is booked), a registered petitioner, or a new person by name."""

    case = ScopedPrimaryKeyField(Case, label=_("信访事项"), required=False, allow_null=True, default=None)
    petitioner = ScopedPrimaryKeyField(Petitioner, label=_("信访人"), required=False, allow_null=True, default=None)
    petitioner_name = serializers.CharField(label=_("信访人姓名"), max_length=50, required=False, allow_blank=True,
                                            default="")
    petitioner_id_number = serializers.CharField(label=_("身份证号码"), max_length=20, required=False,
                                                 allow_blank=True, default="")
    petitioner_phone = serializers.CharField(label=_("电话"), max_length=20, required=False, allow_blank=True,
                                             default="")
    topic = serializers.CharField(label=_("反映事项"), max_length=300, required=False, allow_blank=True, default="",
                                  help_text=_("预约信访事项时可不填，取事项摘要。"))
    head_count = serializers.IntegerField(label=_("人数"), min_value=1, max_value=32767, default=1)


def petitioner_data_from(data: dict, prefix: str = "petitioner_") -> PetitionerInput | None:
    """A new petitioner's particulars from flat ``petitioner_*`` fields, if a name was given."""
    name = (data.get(f"{prefix}name") or "").strip()
    if not name:
        return None
    return PetitionerInput(name=name, id_number=data.get(f"{prefix}id_number", ""),
                           phone=data.get(f"{prefix}phone", ""), address=data.get(f"{prefix}address", ""))


class AppointmentSerializer(serializers.ModelSerializer):
    slot_title = serializers.CharField(source="slot.title", read_only=True)
    slot_starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)
    leader_name = serializers.CharField(source="slot.leader.display_name", read_only=True, default=None)
    petitioner_name = serializers.CharField(source="petitioner.name", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True, default=None)
    status = NamedChoiceField(AppointmentStatus, read_only=True)
    booked_by = serializers.CharField(source="booked_by.display_name", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "slot", "slot_title", "slot_starts_at", "leader_name", "petitioner", "petitioner_name",
                  "case", "case_number", "head_count", "topic", "status", "booked_by", "booked_at", "cancelled_at"]
        read_only_fields = fields


class AppointmentCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("取消原因"), max_length=200, required=False, allow_blank=True, default="")


# Receptions ---------------------------------------------------------------------------------------------------

class ReceptionSerializer(serializers.ModelSerializer):
    """A leader's reception with the case it opened or linked, and who owns that case now (谁接访谁包案)."""

    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    petitioner_name = serializers.CharField(source="petitioner.name", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_owner = serializers.IntegerField(source="case.owner_id", read_only=True, allow_null=True)
    case_owner_name = serializers.CharField(source="case.owner.display_name", read_only=True, default=None)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = Reception
        fields = ["id", "leader", "leader_name", "level", "slot", "appointment", "region", "region_name",
                  "received_at", "place", "petitioner", "petitioner_name", "head_count", "raised", "decided", "case",
                  "case_number", "case_owner", "case_owner_name", "opened_case", "recorded_by", "created_at"]
        read_only_fields = fields


class ReceptionWriteSerializer(serializers.Serializer):
    """Link an open case (``case``, or the appointment's), or open a new one (``category`` + ``region`` and a
    petitioner: ``petitioner`` or ``petitioner_name``…)."""

    # Not limited to the jurisdiction here: a city leader receiving at a county slot is known through the slot,
    # and services.reception_record decides who may be named.
    leader = serializers.PrimaryKeyRelatedField(label=_("接访领导"), queryset=User.objects.filter(is_active=True))
    received_at = MomentField(label=_("接访时间"))
    raised = serializers.CharField(label=_("反映问题"))
    decided = serializers.CharField(label=_("处理意见"))
    place = serializers.CharField(label=_("接访地点"), max_length=100, required=False, allow_blank=True, default="")
    slot = ScopedPrimaryKeyField(ReceptionSlot, label=_("接访时段"), required=False, allow_null=True, default=None)
    appointment = ScopedPrimaryKeyField(Appointment, label=_("约访"), required=False, allow_null=True, default=None)
    case = ScopedPrimaryKeyField(Case, label=_("信访事项"), required=False, allow_null=True, default=None)
    category = ScopedPrimaryKeyField(Category, label=_("类别"), required=False, allow_null=True, default=None)
    region = ScopedPrimaryKeyField(Region, label=_("问题属地"), required=False, allow_null=True, default=None)
    petitioner = ScopedPrimaryKeyField(Petitioner, label=_("信访人"), required=False, allow_null=True, default=None)
    petitioner_name = serializers.CharField(label=_("信访人姓名"), max_length=50, required=False, allow_blank=True,
                                            default="")
    petitioner_id_number = serializers.CharField(label=_("身份证号码"), max_length=20, required=False,
                                                 allow_blank=True, default="")
    petitioner_phone = serializers.CharField(label=_("电话"), max_length=20, required=False, allow_blank=True,
                                             default="")
    petitioner_address = serializers.CharField(label=_("住址"), max_length=200, required=False, allow_blank=True,
                                               default="")
    head_count = serializers.IntegerField(label=_("人数"), min_value=1, max_value=32767, default=1)
    summary = serializers.CharField(label=_("诉求摘要"), max_length=300, required=False, allow_blank=True, default="",
                                    help_text=_("登记新事项时使用；不填取反映问题。"))
    is_skip_level = serializers.BooleanField(label=_("越级访"), default=False)


# Field visits and meetings ------------------------------------------------------------------------------------

class FieldVisitSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(VisitKind, read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    petitioner_name = serializers.CharField(source="petitioner.name", read_only=True, default=None)
    cadres = PersonRefSerializer(many=True, read_only=True)
    cases = CaseRefSerializer(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = FieldVisit
        fields = ["id", "kind", "region", "region_name", "visited_at", "is_night", "household", "petitioner",
                  "petitioner_name", "cadres", "cases", "summary", "issues_found", "recorded_by", "created_at"]
        read_only_fields = fields


class FieldVisitWriteSerializer(serializers.Serializer):
    kind = NamedChoiceField(VisitKind, label=_("走访类型"))
    region = ScopedPrimaryKeyField(Region, label=_("走访地点（区划）"))
    visited_at = MomentField(label=_("走访时间"))
    summary = serializers.CharField(label=_("走访情况"))
    cadres = ScopedPrimaryKeyField(User, label=_("走访干部"), many=True, required=False, default=list,
                                   help_text=_("不填则为记录人本人。"))
    issues_found = serializers.CharField(label=_("发现问题"), required=False, allow_blank=True, default="")
    household = serializers.CharField(label=_("走访对象（户）"), max_length=100, required=False, allow_blank=True,
                                      default="")
    petitioner = ScopedPrimaryKeyField(Petitioner, label=_("信访人"), required=False, allow_null=True, default=None)
    cases = ScopedPrimaryKeyField(Case, label=_("相关信访事项"), many=True, required=False, default=list)


class MeetingSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(MeetingKind, read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    chair_name = serializers.CharField(source="chair.display_name", read_only=True, default=None)
    attendees = PersonRefSerializer(many=True, read_only=True)
    cases = CaseRefSerializer(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "region", "region_name", "kind", "title", "held_at", "place", "chair", "chair_name",
                  "attendees", "decisions", "cases", "recorded_by", "created_at"]
        read_only_fields = fields


class MeetingWriteSerializer(serializers.Serializer):
    region = ScopedPrimaryKeyField(Region, label=_("区划"))
    kind = NamedChoiceField(MeetingKind, label=_("会议类型"))
    title = serializers.CharField(label=_("会议名称"), max_length=100)
    held_at = MomentField(label=_("召开时间"))
    decisions = serializers.CharField(label=_("会议决定"))
    attendees = ScopedPrimaryKeyField(User, label=_("参会人员"), many=True)
    place = serializers.CharField(label=_("地点"), max_length=100, required=False, allow_blank=True, default="")
    chair = ScopedPrimaryKeyField(User, label=_("主持人"), required=False, allow_null=True, default=None)
    cases = ScopedPrimaryKeyField(Case, label=_("研究事项"), many=True, required=False, default=list)


# Return visits ------------------------------------------------------------------------------------------------

class ReturnVisitSerializer(serializers.ModelSerializer):
    """A return visit, due by its case's 答复后回访 clock (``due_on``)."""

    case_number = serializers.CharField(source="case.number", read_only=True)
    petitioner_name = serializers.CharField(source="case.lead_petitioner.name", read_only=True)
    region_name = serializers.CharField(source="case.region.name", read_only=True)
    status = NamedChoiceField(ReturnVisitStatus, read_only=True)
    due_on = serializers.DateField(source="deadline.due_on", read_only=True, default=None)
    assignee_name = serializers.CharField(source="assignee.display_name", read_only=True, default=None)
    result = serializers.ChoiceField(source="evaluation.result", choices=Satisfaction.choices, read_only=True,
                                     default=None)
    done_by = serializers.CharField(source="done_by.display_name", read_only=True, default=None)

    class Meta:
        model = ReturnVisit
        fields = ["id", "case", "case_number", "petitioner_name", "region_name", "round", "status", "due_on",
                  "assignee", "assignee_name", "scheduled_at", "result", "field_visit", "done_at", "done_by",
                  "cancelled_reason"]
        read_only_fields = fields


class ReturnVisitRecordSerializer(serializers.Serializer):
    case = ScopedPrimaryKeyField(Case, label=_("信访事项"))
    result = serializers.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    method = serializers.ChoiceField(label=_("回访方式"), choices=EvaluationMethod.choices,
                                     help_text=_("上门回访（visit）或电话回访（phone）。"))
    note = serializers.CharField(label=_("回访情况"), required=False, allow_blank=True, default="",
                                 help_text=_("不满意的须记录信访人的意见。"))
    visited_at = MomentField(label=_("回访时间"), required=False, allow_null=True, default=None,
                                           validators=MOMENT_VALIDATORS)


class ReturnVisitAssignSerializer(serializers.Serializer):
    assignee = ScopedPrimaryKeyField(User, label=_("回访责任人"))


class AnswerLinkCreateSerializer(serializers.Serializer):
    channel = NamedChoiceField(LinkChannel, label=_("方式"))


class AnswerLinkSerializer(serializers.Serializer):
    """The link just made. ``url`` only for a QR code (to print); an SMS link goes to the phone and nowhere else."""

    channel = NamedChoiceField(LinkChannel, read_only=True)
    sent_to = serializers.CharField(label=_("发送号码（脱敏）"), read_only=True)
    expires_at = serializers.DateTimeField(label=_("失效时间"), read_only=True)
    url = serializers.CharField(label=_("一次性评价链接"), read_only=True, allow_null=True)


# Duty rules and compliance ------------------------------------------------------------------------------------

class DutySerializer(serializers.Serializer):
    """A duty rule as the version of the county's settings in force on the day has it (/api/v1/rules/duty/)."""

    key = serializers.IntegerField(label=_("制度编号"), help_text=_("同一制度各版本相同。"))
    name = serializers.CharField(label=_("制度名称"))
    role = RoleChoiceField(read_only=True)
    leader_level = serializers.IntegerField(label=_("适用领导层级"), allow_null=True)
    activity = NamedChoiceField(DutyActivity, read_only=True)
    meeting_kind = NamedChoiceField(MeetingKind, read_only=True)
    period = NamedChoiceField(Period, read_only=True)
    minimum = serializers.IntegerField(label=_("最少次数"))
    remind_days_before_end = serializers.IntegerField(label=_("提前提醒（天）"))


class ComplianceRowSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(label=_("人员"))
    user_name = serializers.CharField(source="user.display_name", label=_("姓名"))
    unit = serializers.IntegerField(source="unit.pk", label=_("单位"), default=None, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", label=_("单位名称"), default=None, allow_null=True)
    done = serializers.IntegerField(label=_("完成次数"))
    minimum = serializers.IntegerField(label=_("最少次数"))
    short = serializers.IntegerField(label=_("差额"))
    met = serializers.BooleanField(label=_("达标"))


class ComplianceSerializer(serializers.Serializer):
    """One rule in force on the day: its period around the day and each person's count against the minimum."""

    rule = DutySerializer(label=_("工作制度"))
    start = serializers.DateField(label=_("周期起"))
    end = serializers.DateField(label=_("周期止"))
    n_short = serializers.IntegerField(label=_("未达标人数"))
    rows = ComplianceRowSerializer(many=True, label=_("人员"))


class ComplianceQuerySerializer(serializers.Serializer):
    day = serializers.DateField(label=_("日期"), required=False, help_text=_("不填为今天。"),
                                validators=DATE_VALIDATORS)


# Statistics ---------------------------------------------------------------------------------------------------

class StatsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(label=_("起始日期"), required=False, help_text=_("不填为本月第一天。"),
                                  validators=DATE_VALIDATORS)
    end = serializers.DateField(label=_("截止日期"), required=False, help_text=_("不填为本月最后一天。"),
                                validators=DATE_VALIDATORS)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("截止日期不能早于起始日期。")]})
        if attrs.get("start") and attrs.get("end") and (attrs["end"] - attrs["start"]).days > STATS_MAX_DAYS:
            raise serializers.ValidationError({"end": [_("统计区间不能超过五年。")]})
        return attrs


class StatsLevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(label=_("接访层级"), choices=RegionLevel.choices)
    label = serializers.CharField(label=_("层级名称"))
    batches = serializers.IntegerField(label=_("批次"))
    persons = serializers.IntegerField(label=_("人次"))


class StatsReceptionMonthSerializer(serializers.Serializer):
    month = serializers.DateTimeField(label=_("月份（当月第一天零时）"))
    batches = serializers.IntegerField(label=_("批次"))
    persons = serializers.IntegerField(label=_("人次"))


class StatsReceptionsSerializer(serializers.Serializer):
    by_level = StatsLevelSerializer(many=True, label=_("按层级"))
    by_month = StatsReceptionMonthSerializer(many=True, label=_("按月"))
    batches = serializers.IntegerField(label=_("接访批次合计"))
    persons = serializers.IntegerField(label=_("接访人次合计"))


class StatsCasesSerializer(serializers.Serializer):
    total = serializers.IntegerField(label=_("期间登记事项"))
    at_reception = serializers.IntegerField(label=_("领导接访登记事项"))
    share_at_reception = serializers.FloatField(label=_("领导接访登记占比（%）"), allow_null=True)


class StatsVisitMonthSerializer(serializers.Serializer):
    month = serializers.DateTimeField(label=_("月份（当月第一天零时）"))
    n = serializers.IntegerField(label=_("下访走访次数"))
    night = serializers.IntegerField(label=_("夜访次数"))


class StatsFieldVisitsSerializer(serializers.Serializer):
    n = serializers.IntegerField(label=_("下访走访次数"))
    night = serializers.IntegerField(label=_("夜访次数"))
    by_month = StatsVisitMonthSerializer(many=True, label=_("按月"))


class StatsReturnVisitsSerializer(serializers.Serializer):
    due = serializers.IntegerField(label=_("期间到期回访"))
    done = serializers.IntegerField(label=_("其中已回访"))
    on_time = serializers.IntegerField(label=_("其中按期回访"))
    done_rate = serializers.FloatField(label=_("回访率（%）"), allow_null=True)
    on_time_rate = serializers.FloatField(label=_("按期回访率（%）"), allow_null=True)


class StatsSkipLevelSerializer(serializers.Serializer):
    month = serializers.DateTimeField(label=_("月份（当月第一天零时）"))
    skip_level = serializers.IntegerField(label=_("越级访"))
    to_province = serializers.IntegerField(label=_("赴省访"))
    to_beijing = serializers.IntegerField(label=_("进京访"))


class VisitStatsSerializer(serializers.Serializer):
    """The keys of ``selectors.visit_stats``."""

    start = serializers.DateField(label=_("起始日期"))
    end = serializers.DateField(label=_("截止日期"))
    receptions = StatsReceptionsSerializer(label=_("领导接访"))
    cases = StatsCasesSerializer(label=_("信访事项"))
    field_visits = StatsFieldVisitsSerializer(label=_("下访走访"))
    return_visits = StatsReturnVisitsSerializer(label=_("回访"))
    skip_level = StatsSkipLevelSerializer(many=True, label=_("越级、赴省、进京访（按月）"))


# Settings -----------------------------------------------------------------------------------------------------

