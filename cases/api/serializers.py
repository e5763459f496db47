"""API shapes of cases. Personal data is masked here; the plain values come only from the reveal action."""

import base64
import binascii
import mimetypes

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deadlines.api.serializers import CardSerializer, DeadlineSerializer, SupervisionSerializer, SuspensionSerializer
from deadlines.choices import SupervisionKind
from xinfang import personal_data
from xinfang.api.fields import MomentField
from xinfang.errors import NotFound, ValidationFailed
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import scoped

from ..choices import AppealOutcome, Channel, EvaluationMethod, Satisfaction, UpperSource
from ..models import Appeal, Assignment, Attachment, Case, Category, Evaluation, Extension, Petitioner, TimelineEvent
from ..selectors import case_list
from ..services import CaseInput, PetitionerInput


class PetitionerSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = Petitioner
        fields = ["id", "name", "id_number", "phone", "address"]


class CaseListSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    category = serializers.CharField(source="category.__str__", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    lead_unit = serializers.CharField(source="lead_unit.name", read_only=True, default=None)
    petitioner = serializers.CharField(source="lead_petitioner.name", read_only=True)
    card = serializers.SerializerMethodField(help_text="red / yellow / '' — from the case's running clocks")

    class Meta:
        model = Case
        fields = ["id", "number", "status", "status_display", "channel", "channel_display", "received_at",
                  "petitioner", "head_count", "is_collective", "category", "summary", "region", "region_name",
                  "lead_unit", "is_repeat", "is_skip_level", "is_to_province", "is_to_beijing", "due_on", "card",
                  "version"]

    def get_card(self, case) -> str:
        return case.card_colour(timezone.localdate())


class TimelineEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = TimelineEvent
        fields = ["at", "actor", "kind", "message", "changes"]


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = Assignment
        fields = ["unit", "role", "tasks", "assigned_at", "is_active", "returned_at", "return_reason"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "kind", "name", "size", "content_type", "uploaded_at"]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = ["id", "days", "reason", "status", "requested_at", "decided_at", "decision_note"]


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["result", "method", "note", "recorded_at"]


class AppealSerializer(serializers.ModelSerializer):
    reviewing_unit = serializers.CharField(source="reviewing_unit.name")

    class Meta:
        model = Appeal
        fields = ["kind", "reviewing_unit", "reason", "requested_at", "outcome", "decision", "decided_at"]


class CaseDetailSerializer(CaseListSerializer):
    petitioners = serializers.SerializerMethodField()
    timeline = TimelineEventSerializer(source="events", many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)
    appeals = AppealSerializer(many=True, read_only=True)
    first_unit = serializers.CharField(source="first_unit.name", read_only=True, default=None)
    repeat_of = serializers.CharField(source="repeat_of.number", read_only=True, default=None)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    cards = CardSerializer(many=True, read_only=True)
    suspensions = SuspensionSerializer(many=True, read_only=True)
    supervisions = SupervisionSerializer(many=True, read_only=True)
    owner = serializers.CharField(source="owner.display_name", read_only=True, default=None)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "demands", "upper_source", "upper_batch", "upper_due_on",
                  "external_system", "external_id", "repeat_of", "first_unit", "registered_at", "accepted_at",
                  "assigned_at",
                  "met_at", "feedback_at", "replied_at", "closed_at", "reply_text", "satisfaction",
                  "rehandle_count", "is_final", "outcome_reason", "forwarded_to", "petitioners", "timeline",
                  "assignments", "attachments", "extensions", "evaluations", "appeals", "owner", "rule_set",
                  "deadlines", "cards", "suspensions", "supervisions", "first_unsatisfied_at", "backlog_at",
                  "backlog_source"]

    def get_petitioners(self, case) -> list[dict]:
        links = sorted(case.case_petitioners.all(), key=lambda link: (not link.is_lead, link.pk))
        return [{**PetitionerSerializer(link.petitioner).data, "is_lead": link.is_lead} for link in links]


# Input ----------------------------------------------------------------------------------------------------

@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A relation whose choices are limited to the caller's jurisdiction (unknown ids read as 'does not exist')."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return scoped(self.model.objects.all(), self.context["request"].user)


class PetitionerInputSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("姓名"), max_length=50)
    id_number = serializers.CharField(label=_("身份证号码"), required=False, allow_blank=True, max_length=20)
    phone = serializers.CharField(label=_("电话"), required=False, allow_blank=True, max_length=20)
    address = serializers.CharField(label=_("住址"), required=False, allow_blank=True, max_length=200)

    # Checked here as well as in the service, so that a bad ID number or phone is reported with every other error of
    # the form at once (the service alone would speak only once the rest is right). The value stays as typed.
    def validate_id_number(self, value):
        return _checked(personal_data.normalize_id_number, value)

    def validate_phone(self, value):
        return _checked(personal_data.normalize_phone, value)


def _checked(normalise, value: str) -> str:
    try:
        normalise(value)
    except ValidationFailed as exc:
        raise serializers.ValidationError(str(exc.message), code=exc.code) from exc
    return value


class CaseCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(label=_("信访形式"), choices=Channel.choices)
    received_at = MomentField(label=_("收到时间"))
    petitioner = PetitionerInputSerializer(label=_("信访人"))
    co_petitioners = PetitionerInputSerializer(label=_("其他信访人"), many=True, required=False)
    head_count = serializers.IntegerField(label=_("人数"), min_value=1, default=1)
    category = ScopedPrimaryKeyField(Category, label=_("类别"))
    summary = serializers.CharField(label=_("诉求摘要"), max_length=300)
    demands = serializers.CharField(label=_("诉求内容"), required=False, allow_blank=True)
    region = serializers.SlugRelatedField(label=_("问题属地区划代码"), slug_field="code", queryset=Region.objects.all())
    is_skip_level = serializers.BooleanField(label=_("越级访"), default=False)
    is_to_province = serializers.BooleanField(label=_("赴省访"), default=False)
    is_to_beijing = serializers.BooleanField(label=_("进京访"), default=False)
    upper_source = serializers.ChoiceField(label=_("交办来源"), choices=UpperSource.choices, required=False,
                                           allow_blank=True, default="")
    upper_batch = serializers.CharField(label=_("交办批次"), required=False, allow_blank=True, default="")
    external_system = serializers.CharField(label=_("来源系统"), required=False, allow_blank=True, default="",
                                            max_length=30)
    external_id = serializers.CharField(label=_("来源系统编号"), required=False, allow_blank=True, default="",
                                        max_length=64)
    repeat_of = serializers.CharField(label=_("重复于（原事项编号）"), required=False, allow_blank=True, default="")
    upper_due_on = serializers.DateField(label=_("上级要求办结日期"), required=False, allow_null=True, default=None)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(label=_("版本"), min_value=1,
                                       help_text=_("读取时的版本号；他人已修改时返回409。"))


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(label=_("理由"), max_length=300)


class ForwardSerializer(VersionSerializer):
    to_body = serializers.CharField(label=_("转送机关"), max_length=100)
    reason = serializers.CharField(label=_("说明"), max_length=300, required=False, allow_blank=True, default="")


class AssignSerializer(VersionSerializer):
    lead_unit = ScopedPrimaryKeyField(Unit, label=_("主办单位"))
    assist_units = ScopedPrimaryKeyField(Unit, label=_("协办单位"), many=True, required=False)
    tasks = serializers.CharField(label=_("办理要求"), required=False, allow_blank=True, default="")


class MeetSerializer(VersionSerializer):
    met_at = MomentField(label=_("见面时间"), required=False, allow_null=True, default=None)
    note = serializers.CharField(label=_("见面情况"), required=False, allow_blank=True, default="")


class NoteSerializer(VersionSerializer):
    note = serializers.CharField(label=_("内容"))


class CloseSerializer(VersionSerializer):
    note = serializers.CharField(label=_("说明"), required=False, allow_blank=True, default="")


class ReplySerializer(VersionSerializer):
    text = serializers.CharField(label=_("答复意见"))


class EvaluateSerializer(VersionSerializer):
    result = serializers.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    method = serializers.ChoiceField(label=_("回访方式"), choices=EvaluationMethod.choices)
    note = serializers.CharField(label=_("回访情况"), required=False, allow_blank=True, default="")


class AppealRequestSerializer(VersionSerializer):
    reviewing_unit = serializers.PrimaryKeyRelatedField(label=_("复查（复核）机关"), queryset=Unit.objects.all())
    reason = serializers.CharField(label=_("申请理由"), max_length=500)


class DecideAppealSerializer(VersionSerializer):
    outcome = serializers.ChoiceField(label=_("结论"), choices=AppealOutcome.choices)
    decision = serializers.CharField(label=_("复查（复核）意见"))


class ExtensionRequestSerializer(serializers.Serializer):
    days = serializers.IntegerField(label=_("延期天数"), min_value=1)
    reason = serializers.CharField(label=_("延期理由"), max_length=300)


class AssistReportSerializer(serializers.Serializer):
    report = serializers.CharField(label=_("协办意见"))


class SuspensionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("中止理由"), max_length=300,
                                   help_text=_("如：等待信访人补充材料、委托鉴定。"))


class SuperviseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label=_("类型"), choices=SupervisionKind.choices)
    content = serializers.CharField(label=_("督办事项"))
    respond_by = serializers.DateField(label=_("回复期限"))


class ExtensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label=_("批准"))
    note = serializers.CharField(label=_("审批意见"), required=False, allow_blank=True, default="")


class HandoffAttachmentSerializer(serializers.Serializer):
    filename = serializers.CharField(label=_("文件名"), max_length=100)
    content_base64 = serializers.CharField(label=_("文件内容（Base64）"))

    def validate(self, attrs):
        limit = settings.ATTACHMENT_MAX_BYTES
        if len(attrs["content_base64"]) > limit * 4 // 3 + 4:
            raise serializers.ValidationError({"content_base64": [_("文件超过大小限制。")]})
        try:
            content = base64.b64decode(attrs["content_base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise serializers.ValidationError({"content_base64": [_("文件内容不是有效的Base64。")]}) from exc
        # The type the name claims; the intake service then checks the content against it (filetype).
        claimed = mimetypes.guess_type(attrs["filename"])[0] or "application/octet-stream"
        return {"file": SimpleUploadedFile(attrs["filename"], content, content_type=claimed)}


class HandoffSerializer(CaseCreateSerializer):
    """A case a platform hands over (12345, 上级交办): its own id and batch, its due date, its files."""

    channel = serializers.ChoiceField(label=_("信访形式"), choices=Channel.choices, default=Channel.HOTLINE)
    external_system = serializers.CharField(label=_("来源系统"), max_length=30,
                                            help_text=_("平台的系统代码，如 12345；"
                                                        "与来源系统编号一起保证同一事项只登记一次。"))
    external_id = serializers.CharField(label=_("来源系统编号"), max_length=64, help_text=_("平台自己的工单编号。"))
    attachments = HandoffAttachmentSerializer(label=_("附件"), many=True, required=False, max_length=10)


def case_input_from(data: dict, *, user):
    """The service's CaseInput from a validated CaseCreateSerializer (the API and the intake page share it)."""
    repeat_of = None
    if data.get("repeat_of"):
        repeat_of = case_list(user=user).filter(number=data["repeat_of"].strip()).first()
        if repeat_of is None:
            raise NotFound(_("未找到编号为 %(number)s 的信访事项。") % {"number": data["repeat_of"]},
                           code="case_not_found")
    return CaseInput(
        channel=data["channel"], received_at=data["received_at"], petitioner=PetitionerInput(**data["petitioner"]),
        co_petitioners=[PetitionerInput(**p) for p in data.get("co_petitioners", [])],
        head_count=data["head_count"], category=data["category"], summary=data["summary"],
        demands=data.get("demands", ""), region=data["region"], is_skip_level=data["is_skip_level"],
        is_to_province=data["is_to_province"], is_to_beijing=data["is_to_beijing"],
        upper_source=data["upper_source"], upper_batch=data["upper_batch"],
        external_system=data["external_system"], external_id=data["external_id"], repeat_of=repeat_of,
        upper_due_on=data.get("upper_due_on"),
    )
