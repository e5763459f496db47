"""API shapes of the deadlines app."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from rest_framework import serializers

from cases.choices import Channel, UpperSource

from ..choices import ClockEvent
from ..models import Card, Deadline, Milestone, Notification, RuleSet, Supervision, Suspension
from ..selectors import deadline_state, notification_text


class DeadlineSerializer(serializers.ModelSerializer):
    """A clock with its state now (computed from its dates, so it is right between two sweeps)."""

    milestone = serializers.CharField(source="milestone.name", read_only=True)
    milestone_code = serializers.CharField(source="milestone.code", read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True, default=None)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["id", "milestone", "milestone_code", "unit", "started_at", "due_on", "warn_on", "red2_on",
                  "extra_days", "suspended_days", "suspended_since", "calendar_unconfirmed", "met_at", "met_late",
                  "stopped_at", "stop_reason", "state"]

    def get_state(self, deadline) -> str:
        return deadline_state(deadline, timezone.localdate())


class CardSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    milestone = serializers.CharField(source="deadline.milestone.name", read_only=True)
    due_on = serializers.DateField(source="deadline.due_on", read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True, default=None)
    leader = serializers.CharField(source="leader.display_name", read_only=True, default=None)

    class Meta:
        model = Card
        fields = ["id", "case", "case_number", "milestone", "colour", "due_on", "unit", "leader", "raised_at",
                  "cleared_at", "clear_reason", "escalated_at"]


class SuspensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suspension
        fields = ["id", "case", "reason", "status", "requested_at", "decided_at", "started_on", "ended_on"]


class SupervisionSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "case", "case_number", "kind", "number", "unit", "content", "respond_by", "issued_at",
                  "acknowledged_at", "response", "responded_at"]


# Shared enums in the schema ---------------------------------------------------------------------------------

class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as one named enum component (``ClockEventEnum``) whatever the property is
    called. Without it, drf-spectacular names an enum after the property, so one choice set under two names
    (``start_event`` / ``end_event``, ``channel`` / ``channels``) gets two names and a schema warning."""

    def __init__(self, choices_class, **kwargs):
        self.enum_name = f"{choices_class.__name__}Enum"
        super().__init__(choices=choices_class.choices, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction) -> dict:
        # Registered under the name drf-spectacular's enum post-processing would give the same choices elsewhere
        # (``ChannelEnum`` for a case's ``channel``), with the same kind of identity, so both share one component.
        name = self.target.enum_name
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema={
            "type": "string", "enum": list(self.target.choices),
            "description": build_choice_description_list(self.target.choices.items())})
        auto_schema.registry.register_on_missing(component)
        return component.ref


# The overdue board --------------------------------------------------------------------------------------------

class BoardCountsSerializer(serializers.Serializer):
    """Current cards by colour (keys from ``selectors.overdue_board``)."""

    n_yellow = serializers.IntegerField(label=_("黄牌"))
    n_red = serializers.IntegerField(label=_("红牌"))
    n_red2 = serializers.IntegerField(label=_("严重超期红牌"))
    total = serializers.IntegerField(label=_("合计"))


class BoardUnitSerializer(BoardCountsSerializer):
    unit_id = serializers.IntegerField(label=_("责任单位"), allow_null=True)
    unit_name = serializers.CharField(label=_("责任单位名称"), source="unit__name", allow_null=True)


class BoardRegionSerializer(BoardCountsSerializer):
    code = serializers.CharField(label=_("乡镇区划代码"))
    name = serializers.CharField(label=_("乡镇"))


class OverdueBoardSerializer(serializers.Serializer):
    by_unit = BoardUnitSerializer(many=True, label=_("按责任单位"))
    by_region = BoardRegionSerializer(many=True, label=_("按乡镇"))
    totals = BoardCountsSerializer(label=_("合计"))


# Rule sets ----------------------------------------------------------------------------------------------------

class MilestoneSerializer(serializers.ModelSerializer):
    start_event = NamedChoiceField(ClockEvent, read_only=True)
    end_event = NamedChoiceField(ClockEvent, read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "code", "name", "start_event", "end_event", "days", "day_kind", "applies_to", "party",
                  "extendable", "restart_on_reassign", "warn_days", "warn_percent", "second_red", "is_active",
                  "sort_order"]
        read_only_fields = fields


class RuleSetSerializer(serializers.ModelSerializer):
    """A rule set as cases run under it, with its milestones (prefetched by ``selectors.rule_set_list``); the
    county's rules themselves are read and saved at /api/v1/rules/deadlines/."""

    channels = serializers.ListField(child=NamedChoiceField(Channel), read_only=True)
    upper_sources = serializers.ListField(child=NamedChoiceField(UpperSource), read_only=True)
    categories = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = RuleSet
        fields = ["id", "county", "lineage", "version", "name", "priority", "channels",
                  "upper_sources", "categories", "escalate_after_days", "created_by", "created_at", "milestones"]
        read_only_fields = fields


# Suspensions, supervision, notifications -----------------------------------------------------------------------

class SuspensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label=_("批准"))
    note = serializers.CharField(label=_("审批意见"), required=False, allow_blank=True, default="")


class SupervisionRespondSerializer(serializers.Serializer):
    response = serializers.CharField(label=_("办理情况"))


class NotificationSerializer(serializers.ModelSerializer):
    """A notification with its text rendered now, in the reader's language."""

    text = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.number", read_only=True, default=None)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "case", "case_number", "card", "supervision", "created_at", "read_at"]

    def get_text(self, notification) -> str:
        return notification_text(notification)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(label=_("通知编号"), child=serializers.IntegerField(min_value=1), required=False,
                                max_length=1000, help_text=_("不填则全部标为已读。"))


class UnreadCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(label=_("未读通知数"))


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(label=_("标为已读的通知数"))
