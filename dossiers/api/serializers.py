"""API shapes of the dossiers app: the backlog board's rows, a dossier with its five parts (owners, task force, plan,
measures, file), the 揭榜挂帅 board, a cadre's record, and the input of each service behind a write.

Ids given in a body are looked up in the caller's jurisdiction (``ScopedPrimaryKeyField``): another county's id
reads as 'does not exist'.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import AttachmentSerializer, ScopedPrimaryKeyField, TimelineEventSerializer
from cases.choices import BacklogSource, Satisfaction, UpperSource
from cases.models import Case
from deadlines.api.serializers import NamedChoiceField
from deadlines.selectors import deadline_state
from scoring.models import PointEntry
from visits.api.serializers import PersonRefSerializer
from visits.choices import MeetingKind, ReturnVisitStatus, VisitKind
from visits.models import FieldVisit, Meeting, Reception, ReturnVisit
from xinfang.api.fields import MomentField
from xinfang.dates import MOMENT_VALIDATORS
from xinfang.org.models import Unit, User

from ..choices import ClaimKind, ClaimStatus, ListingStatus, MemberRole, OwnerRole, Stage
from ..models import (
    Claim,
    Dossier,
    DossierOwner,
    Escalation,
    Listing,
    Measure,
    SignOff,
    TaskForceMember,
)
from ..selectors import backlog_days

# Parts of a dossier ---------------------------------------------------------------------------------------------


class OwnerSerializer(serializers.ModelSerializer):
    """An owning leader (包案领导): the first, and the second of a 双包案."""

    name = serializers.CharField(source="user.display_name", read_only=True)
    role = NamedChoiceField(OwnerRole, read_only=True)

    class Meta:
        model = DossierOwner
        fields = ["user", "name", "role"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    """A member of the task force (专班), from any unit."""

    name = serializers.CharField(source="user.display_name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    role = NamedChoiceField(MemberRole, read_only=True)

    class Meta:
        model = TaskForceMember
        fields = ["id", "user", "name", "unit", "unit_name", "role", "added_at"]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer):
    """A measure of the plan (三定) with its clock: ``deadline_due_on`` moves with the calendar and suspensions,
    ``state`` is the clock's state now (running / yellow / red / met / met_late …)."""

    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    owner_unit = serializers.CharField(source="owner.unit.name", read_only=True, default=None)
    deadline_due_on = serializers.DateField(source="deadline.due_on", read_only=True, default=None)
    state = serializers.SerializerMethodField(help_text=_("时限状态"))

    class Meta:
        model = Measure
        fields = ["id", "dossier", "owner", "owner_name", "owner_unit", "action", "due_on", "deadline_due_on",
                  "state", "done_at", "done_note", "created_at"]
        read_only_fields = fields

    def get_state(self, measure) -> str | None:
        return deadline_state(measure.deadline, timezone.localdate()) if measure.deadline_id else None


class EscalationSerializer(serializers.ModelSerializer):
    """提级会审: the review one level up, and its outcome once held."""

    to_region_name = serializers.CharField(source="to_region.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.display_name", read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "dossier", "to_region", "to_region_name", "reason", "requested_by", "requested_at",
                  "held_at", "outcome"]
        read_only_fields = fields


class SignOffSerializer(serializers.ModelSerializer):
    """督导验收."""

    signed_by = serializers.CharField(source="signed_by.display_name", read_only=True)

    class Meta:
        model = SignOff
        fields = ["id", "dossier", "petitioner_stopped", "agreement", "note", "signed_by", "signed_at"]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    """A cadre's claim on a listing (揭榜), and the leader's decision."""

    claimant_name = serializers.CharField(source="claimant.display_name", read_only=True)
    kind = NamedChoiceField(ClaimKind, read_only=True)
    recommended_by_name = serializers.CharField(source="recommended_by.name", read_only=True, default=None)
    status = NamedChoiceField(ClaimStatus, read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "listing", "claimant", "claimant_name", "kind", "recommended_by", "recommended_by_name",
                  "statement", "status", "requested_at", "decided_at", "due_on", "finished_at", "finished_late"]
        read_only_fields = fields


class DossierListingSerializer(serializers.ModelSerializer):
    """A listing as the dossier shows it (the dossier's own case is on the dossier)."""

    status = NamedChoiceField(ListingStatus, read_only=True)
    claims = ClaimSerializer(many=True, read_only=True)

    class Meta:
        model = Listing
        fields = ["id", "status", "points", "claim_days", "note", "published_at", "finished_at", "claims"]
        read_only_fields = fields


# Dossiers -------------------------------------------------------------------------------------------------------

class DossierSerializer(serializers.ModelSerializer):
    """A row of the backlog board (``selectors.dossier_list``: owners prefetched, measures counted)."""

    case_number = serializers.CharField(source="case.number", read_only=True)
    summary = serializers.CharField(source="case.summary", read_only=True)
    petitioner = serializers.CharField(source="case.lead_petitioner.name", read_only=True, default=None)
    region = serializers.CharField(source="case.region.code", read_only=True)
    region_name = serializers.CharField(source="case.region.name", read_only=True)
    lead_unit = serializers.CharField(source="case.lead_unit.name", read_only=True, default=None)
    stage = NamedChoiceField(Stage, read_only=True)
    source = NamedChoiceField(BacklogSource, read_only=True)
    owners = OwnerSerializer(many=True, read_only=True)
    card = serializers.SerializerMethodField(help_text=_("信访事项的红黄牌：red / yellow / 空"))
    age_days = serializers.SerializerMethodField(
        help_text=_("积案天数：自信访事项收到之日起，至化解之日（已化解、已销号）或今天"))
    n_measures = serializers.IntegerField(label=_("措施数"), read_only=True)
    n_open_measures = serializers.IntegerField(label=_("未完成措施数"), read_only=True)

    class Meta:
        model = Dossier
        fields = ["id", "case", "case_number", "summary", "petitioner", "region", "region_name", "lead_unit",
                  "stage", "source", "source_batch", "progress", "progress_note", "owners", "opened_at",
                  "relapse_count", "card", "age_days", "n_measures", "n_open_measures", "version"]
        read_only_fields = fields

    def get_card(self, dossier) -> str:
        return dossier.case.card_colour(timezone.localdate())

    def get_age_days(self, dossier) -> int:
        return backlog_days(dossier, timezone.localdate())


class DossierDetailSerializer(DossierSerializer):
    """Everything of ``selectors.dossier_detail``, and ``gaps``: what the 五个一 still lack before the plan can be
    put in force (empty when complete)."""

    opened_by = serializers.CharField(source="opened_by.display_name", read_only=True, default=None)
    closed_by = serializers.CharField(source="closed_by.display_name", read_only=True, default=None)
    members = MemberSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)
    sign_offs = SignOffSerializer(many=True, read_only=True)
    listings = DossierListingSerializer(many=True, read_only=True)
    gaps = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("方案尚缺的内容"))

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "reason", "plan", "facts_commitment", "difficulty_commitment",
                  "persuasion_commitment", "opened_by", "resolved_at", "closed_at", "closed_by", "reopened_at",
                  "members", "measures", "escalations", "sign_offs", "listings", "gaps"]
        read_only_fields = fields


# The file (档案): compact shapes of what other apps recorded on the case ------------------------------------------

class FileMeetingSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(MeetingKind, read_only=True)
    chair = serializers.CharField(source="chair.display_name", read_only=True, default=None)
    attendees = PersonRefSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "held_at", "place", "chair", "attendees", "decisions"]
        read_only_fields = fields


class FileReceptionSerializer(serializers.ModelSerializer):
    leader = serializers.CharField(source="leader.display_name", read_only=True)

    class Meta:
        model = Reception
        fields = ["id", "leader", "level", "received_at", "place", "raised", "decided"]
        read_only_fields = fields


class FileFieldVisitSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(VisitKind, read_only=True)
    cadres = PersonRefSerializer(many=True, read_only=True)

    class Meta:
        model = FieldVisit
        fields = ["id", "kind", "visited_at", "is_night", "cadres", "summary", "issues_found"]
        read_only_fields = fields


class FileReturnVisitSerializer(serializers.ModelSerializer):
    status = NamedChoiceField(ReturnVisitStatus, read_only=True)
    result = serializers.ChoiceField(source="evaluation.result", choices=Satisfaction.choices, read_only=True,
                                     default=None)
    note = serializers.CharField(source="evaluation.note", read_only=True, default=None)
    done_by = serializers.CharField(source="done_by.display_name", read_only=True, default=None)

    class Meta:
        model = ReturnVisit
        fields = ["id", "round", "status", "result", "note", "done_at", "done_by"]
        read_only_fields = fields


class DossierFileSerializer(serializers.Serializer):
    """The keys of ``selectors.dossier_file``: the case's timeline, attachments, meetings, receptions, field and
    return visits."""

    events = TimelineEventSerializer(many=True, label=_("办理过程"))
    attachments = AttachmentSerializer(many=True, label=_("附件"))
    meetings = FileMeetingSerializer(many=True, label=_("会议"))
    receptions = FileReceptionSerializer(many=True, label=_("领导接访"))
    field_visits = FileFieldVisitSerializer(many=True, label=_("下访走访"))
    return_visits = FileReturnVisitSerializer(many=True, label=_("回访"))


# Inputs of the dossier's services ---------------------------------------------------------------------------------

class DesignateSerializer(serializers.Serializer):
    case = ScopedPrimaryKeyField(Case, label=_("信访事项"))
    reason = serializers.CharField(label=_("列为积案理由"), max_length=300)


class FromAboveSerializer(serializers.Serializer):
    case = ScopedPrimaryKeyField(Case, label=_("信访事项"), help_text=_("上级交办的信访事项。"))


class BatchSerializer(serializers.Serializer):
    upper_source = NamedChoiceField(UpperSource, label=_("交办来源"))
    batch = serializers.CharField(label=_("交办批次"), max_length=50)


class BatchResultSerializer(serializers.Serializer):
    opened = serializers.IntegerField(label=_("新建积案档案数"))


class OwnersSerializer(serializers.Serializer):
    primary = ScopedPrimaryKeyField(User, label=_("第一包案领导"))
    second = ScopedPrimaryKeyField(User, label=_("第二包案领导"), required=False, allow_null=True, default=None,
                                   help_text=_("双包案时填写。"))


class MemberAddSerializer(serializers.Serializer):
    user = ScopedPrimaryKeyField(User, label=_("成员"))
    role = NamedChoiceField(MemberRole, label=_("专班职责"), default=MemberRole.MEMBER)


class PlanSerializer(serializers.Serializer):
    plan = serializers.CharField(label=_("化解方案"), allow_blank=True, default="")
    facts = serializers.CharField(label=_("包事实"), allow_blank=True, default="")
    difficulty = serializers.CharField(label=_("包困难"), allow_blank=True, default="")
    persuasion = serializers.CharField(label=_("包说服"), allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="the dossier's version as read: a stale one is 409 "
                                                                 "stale_version")


class MeasureAddSerializer(serializers.Serializer):
    owner = ScopedPrimaryKeyField(User, label=_("责任人"))
    action = serializers.CharField(label=_("措施"), max_length=300)
    due_on = serializers.DateField(label=_("完成时限"))


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("说明"), max_length=300, required=False, allow_blank=True, default="")


class ProgressSerializer(serializers.Serializer):
    progress = serializers.IntegerField(label=_("化解进度（%）"), min_value=0, max_value=100)
    note = serializers.CharField(label=_("进展情况"), max_length=300)


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("提请理由"), max_length=300)


class EscalationRecordSerializer(serializers.Serializer):
    outcome = serializers.CharField(label=_("会审意见"))
    held_at = MomentField(label=_("会审时间"), required=False, allow_null=True, default=None,
                                        validators=MOMENT_VALIDATORS, help_text=_("不填为现在。"))


class SignOffInputSerializer(serializers.Serializer):
    petitioner_stopped = serializers.BooleanField(label=_("息诉息访"))
    note = serializers.CharField(label=_("验收意见"))
    agreement = serializers.CharField(label=_("化解协议"), required=False, allow_blank=True, default="")


class PublishSerializer(serializers.Serializer):
    points = serializers.IntegerField(label=_("积分"), min_value=0, max_value=1000, required=False,
                                      allow_null=True, default=None, help_text=_("不填为本县规则的默认积分。"))
    claim_days = serializers.IntegerField(label=_("办结时限（天）"), min_value=1, max_value=365, required=False,
                                          allow_null=True, default=None, help_text=_("不填为本县规则的默认天数。"))
    note = serializers.CharField(label=_("榜单说明"), max_length=300, required=False, allow_blank=True, default="")


# The 揭榜挂帅 board ------------------------------------------------------------------------------------------------

class ListingSerializer(serializers.ModelSerializer):
    """A listing on the board with its case and the claims on it (``selectors.listing_list``)."""

    case = serializers.IntegerField(source="dossier.case_id", read_only=True)
    case_number = serializers.CharField(source="dossier.case.number", read_only=True)
    summary = serializers.CharField(source="dossier.case.summary", read_only=True)
    petitioner = serializers.CharField(source="dossier.case.lead_petitioner.name", read_only=True, default=None)
    region_name = serializers.CharField(source="dossier.case.region.name", read_only=True)
    status = NamedChoiceField(ListingStatus, read_only=True)
    published_by = serializers.CharField(source="published_by.display_name", read_only=True)
    claims = ClaimSerializer(many=True, read_only=True)

    class Meta:
        model = Listing
        fields = ["id", "dossier", "case", "case_number", "summary", "petitioner", "region_name", "status",
                  "points", "claim_days", "note", "published_by", "published_at", "finished_at", "claims"]
        read_only_fields = fields


class ClaimSubmitSerializer(serializers.Serializer):
    kind = NamedChoiceField(ClaimKind, label=_("揭榜方式"))
    statement = serializers.CharField(label=_("揭榜承诺"), max_length=300)
    recommended_by = ScopedPrimaryKeyField(Unit, label=_("推荐单位"), required=False, allow_null=True, default=None,
                                           help_text=_("单位推荐时填写。"))


class ClaimDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label=_("批准"))
    note = serializers.CharField(label=_("审批意见"), max_length=300, required=False, allow_blank=True, default="")


# A cadre's record and the county's rules -------------------------------------------------------------------------

class PointEntrySerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True, default=None)

    class Meta:
        model = PointEntry
        fields = ["id", "points", "rule", "reason", "case", "case_number", "corrects", "created_at"]
        read_only_fields = fields


class CadreClaimSerializer(ClaimSerializer):
    case_number = serializers.CharField(source="listing.dossier.case.number", read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "case_number"]
        read_only_fields = fields


class CadreRecordSerializer(serializers.Serializer):
    """The keys of ``selectors.cadre_record``, and the cadre."""

    cadre = PersonRefSerializer(label=_("干部"))
    entries = PointEntrySerializer(many=True, label=_("积分记录"))
    total = serializers.IntegerField(label=_("积分合计"))
    claims = CadreClaimSerializer(many=True, label=_("揭榜记录"))
    finished = serializers.IntegerField(label=_("完成揭榜数"))


