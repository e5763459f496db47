"""API shapes of the deadlines app."""

from django.utils import timezone
from rest_framework import serializers

from ..models import Card, Deadline, Supervision, Suspension
from ..selectors import deadline_state


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
