"""Writes of the cases app: intake and every step of the petition workflow.

Each service checks who may act, changes the case in one transaction and writes a timeline event (the case's
audit trail) in that same transaction. A transition is a conditional UPDATE on (id, version, allowed statuses):
a stale version or a status the action is not allowed from changes nothing and raises ``Conflict`` (409).
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import filetype
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang import personal_data
from xinfang.dates import LATEST
from xinfang.errors import Conflict, NotFound, NotPermitted, ValidationFailed, full_clean_or_fail, required_text
from xinfang.exchange.choices import EventType
from xinfang.exchange.services import event_emit
from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region, Unit, User
from xinfang.org.scoping import scoped
from xinfang.org.services import audit_append, audit_record
from xinfang.rules.selectors import Rules, rules_for

from .choices import (
    OPEN_STATUSES,
    AppealKind,
    AppealOutcome,
    AssignmentRole,
    AttachmentKind,
    CaseStatus,
    Channel,
    EvaluationMethod,
    ExtensionStatus,
    Satisfaction,
    UpperSource,
)
from .models import (
    Appeal,
    Assignment,
    Attachment,
    Case,
    CaseCounter,
    CasePetitioner,
    Category,
    Evaluation,
    Extension,
    PersonalDataAccess,
    Petitioner,
    SavedFilter,
    TimelineEvent,
)
from .rules import CASE_RULES
from .signals import case_changed

S = CaseStatus

# action → (statuses it is allowed from, its label in messages)
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "accept": ({S.REGISTERED}, gettext_lazy("受理")),
    "not_accept": ({S.REGISTERED}, gettext_lazy("不予受理")),
    "forward": ({S.REGISTERED}, gettext_lazy("转送")),
    "divert": ({S.REGISTERED, S.ACCEPTED}, gettext_lazy("导入法律程序")),
    "assign": ({S.ACCEPTED}, gettext_lazy("交办")),
    "return": ({S.ASSIGNED}, gettext_lazy("退回")),
    "meet": ({S.ASSIGNED, S.HANDLING}, gettext_lazy("登记见面")),
    "feedback": ({S.HANDLING}, gettext_lazy("反馈")),
    "reply": ({S.HANDLING}, gettext_lazy("答复")),
    "evaluate": ({S.REPLIED}, gettext_lazy("登记回访")),
    "close": ({S.REPLIED}, gettext_lazy("办结")),
    "request_review": ({S.REPLIED, S.CLOSED}, gettext_lazy("申请复查")),
    "request_re_review": ({S.CLOSED}, gettext_lazy("申请复核")),
    "decide_appeal": ({S.REVIEWING, S.RE_REVIEWING}, gettext_lazy("作出复查（复核）意见")),
    "request_extension": ({S.ASSIGNED, S.HANDLING}, gettext_lazy("申请延期")),
    "assist_report": ({S.ASSIGNED, S.HANDLING}, gettext_lazy("报送协办意见")),
    "request_suspension": ({S.ASSIGNED, S.HANDLING, S.ACCEPTED, S.REGISTERED, S.REVIEWING, S.RE_REVIEWING},
                           gettext_lazy("申请中止计时")),
    "supervise": (set(OPEN_STATUSES), gettext_lazy("督办")),
}

logger = logging.getLogger(__name__)

# What an attachment may be, as its content shows it (filetype reads the first bytes; the name and the browser's
# declared type prove nothing): the declared type, and what the content of such a file is recognised as.
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATTACHMENT_TYPES = {
    "application/pdf": {"application/pdf"},
    "image/jpeg": {"image/jpeg"},
    "image/png": {"image/png"},
    "application/msword": {"application/msword", "application/x-ole-storage"},
    DOCX: {DOCX, "application/zip"},
}


# Helpers --------------------------------------------------------------------------------------------------

def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise NotPermitted()


def _visible(actor: User, case: Case) -> None:
    """A case outside the actor's jurisdiction does not exist for them."""
    if not scoped(Case.objects.filter(pk=case.pk), actor).exists():
        raise NotFound(_("未找到该信访事项。"), code="case_not_found")


def timeline_event(case: Case, actor: User | None, kind: str, message: str = "", changes: dict | None = None
                   ) -> None:
    """Write one entry on the case's timeline (its audit trail); the caller's transaction makes it stick or not.
    Every change to a case writes one, so this is also where the change is announced (``signals.case_changed``:
    the dashboards' rollups listen)."""
    TimelineEvent.objects.create(case=case, actor=actor, kind=kind, message=message[:500], changes=changes or {})
    case_changed.send(sender=Case, case=case)
    if kind in OUTBOUND_EVENTS:
        # Told to the systems that subscribe, in this same transaction (the exchange's outbox).
        event_emit(county_id=case.county_id, type=OUTBOUND_EVENTS[kind], object_type="cases.case", object_id=case.pk,
                   payload=lambda: case_event_payload(case))


# The steps other systems are told about (xinfang.exchange: webhooks), by timeline kind.
OUTBOUND_EVENTS = {"register": EventType.CASE_REGISTERED, "accept": EventType.CASE_ACCEPTED,
                   "assign": EventType.CASE_ASSIGNED, "reply": EventType.CASE_REPLIED, "close": EventType.CASE_CLOSED,
                   "evaluate": EventType.RATING_RECEIVED}


def case_event_payload(case: Case) -> dict:
    """What an event says of a case: its number, state and where it stands — never a petitioner's personal data."""
    return {"case": {"id": case.pk, "number": case.number, "status": case.status, "channel": case.channel,
                     "received_at": case.received_at.isoformat(), "lead_unit": case.lead_unit.name
                     if case.lead_unit_id else None, "satisfaction": case.satisfaction or None,
                     "external_system": case.external_system or None, "external_id": case.external_id or None,
                     # the answer itself, for the platform that handed the case over (its return path)
                     "reply": case.reply_text or None}}


def _iso(value):
    """A JSON-friendly form of a field value for the timeline's before/after."""
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "_meta"):
        return str(value)
    return value


def _transition(case: Case, *, actor: User, action: str, version: int, to_status: str, event: str = "",
                message: str = "", **fields) -> Case:
    """Move ``case`` to ``to_status`` if it is still at ``version`` and in a status ``action`` is allowed from."""
    allowed, label = TRANSITIONS[action]
    before = {"status": case.status, **{name: _iso(getattr(case, name)) for name in fields}}
    updated = Case.objects.filter(pk=case.pk, version=version, status__in=allowed).update(
        status=to_status, version=F("version") + 1, **fields
    )
    if not updated:
        current = Case.objects.filter(pk=case.pk).values("status", "version").first()
        if current is None:
            raise NotFound(_("未找到该信访事项。"), code="case_not_found")
        if current["version"] != version:
            raise Conflict(_("该信访事项已被他人修改，请刷新后重试。"), code="stale_version",
                           detail={"current_version": current["version"]})
        raise Conflict(
            _("当前状态为“%(status)s”，不能%(action)s。") % {"status": S(current["status"]).label, "action": label},
            code="transition_not_allowed", detail={"status": current["status"], "action": action},
        )
    case.refresh_from_db()
    after = {"status": case.status, **{name: _iso(getattr(case, name)) for name in fields}}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    timeline_event(case, actor, event or action, message, changes)
    return case


def _required_text(value: str, field_name: str, message) -> str:
    return required_text(value, field_name, message, code="required")


def county_of(region: Region) -> Region:
    county = region.ancestor_at(RegionLevel.COUNTY)
    if county is None:
        raise ValidationFailed(_("问题属地必须在县级或以下。"), code="region_above_county")
    return county


def case_settings_for(county: Region, on: date | None = None) -> Rules:
    """The county's case workflow settings in force on ``on`` (today): cases/rules.py."""
    return rules_for(county, CASE_RULES.key, on)


def next_case_number(county: Region, year: int) -> str:
    """340822-2026-000123: the county's code, the year and a gap-free sequence per county and year."""
    counter, _created = CaseCounter.objects.get_or_create(county=county, year=year)
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    return f"{county.code[:6]}-{year}-{counter.last:06d}"


# Petitioners ----------------------------------------------------------------------------------------------

@dataclass
class PetitionerInput:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    region: Region | None = None


def petitioner_upsert(*, actor: User, county: Region, data: PetitionerInput) -> Petitioner:
    """The county's one Petitioner for this person (by ID hash), created or updated with what was given."""
    name = _required_text(data.name, "name", _("请填写信访人姓名。"))
    id_number = personal_data.normalize_id_number(data.id_number)
    phone = personal_data.normalize_phone(data.phone)
    existing = None
    if id_number:
        existing = Petitioner.objects.select_for_update().filter(
            county=county, id_hash=personal_data.lookup_hash(id_number)).first()
    if existing is None:
        petitioner = Petitioner(county=county, name=name, address=data.address, region=data.region)
        _set_personal(petitioner, id_number, phone)
        full_clean_or_fail(petitioner)
        petitioner.save()
        return petitioner
    if existing.name != name:
        # One ID number, two names: a typo in one of them, or someone else's number. Never a silent rename.
        raise Conflict(_("身份证号码 %(id)s 已登记为另一姓名的信访人，请核对姓名和身份证号码。") % {
            "id": personal_data.mask_id_number(id_number)}, code="petitioner_name_mismatch",
            detail={"name": [_("与该身份证号码已登记的姓名不一致。")]})
    before = {"name": existing.name, "phone": existing.phone_masked, "address": existing.address}
    if phone:
        _set_personal(existing, id_number, phone)
    if data.address:
        existing.address = data.address
    if data.region:
        existing.region = data.region
    existing.save()
    after = {"name": existing.name, "phone": existing.phone_masked, "address": existing.address}
    if before != after:
        audit_record(actor=actor, action="petitioner.update", obj=existing, region=county,
                     changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return existing


def _set_personal(petitioner: Petitioner, id_number: str, phone: str) -> None:
    if id_number:
        petitioner.id_number = personal_data.encrypt(id_number)
        petitioner.id_hash = personal_data.lookup_hash(id_number)
        petitioner.id_masked = personal_data.mask_id_number(id_number)
    if phone:
        petitioner.phone = personal_data.encrypt(phone)
        petitioner.phone_hash = personal_data.lookup_hash(phone)
        petitioner.phone_masked = personal_data.mask_phone(phone)


def personal_data_rotate(*, batch_size: int = 1000) -> dict[str, int]:
    """Encrypt every petitioner's ID number and phone again with the current key, and compute their look-up hashes
    again with the current LOOKUP_HASH_KEY (after a new key is put first in FIELD_ENCRYPTION_KEYS, or the hash key
    changes). Batch by batch, each batch in its own transaction: stopped half-way, it is run again. A value no key
    opens is logged with its petitioner and left as it is."""
    rotated = failed = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(Petitioner.objects.select_for_update().filter(pk__gt=last).order_by("pk")
                         .only("pk", "id_number", "phone", "id_hash", "phone_hash")[:batch_size])
            if not batch:
                break
            changed = []
            for petitioner in batch:
                try:
                    id_number, phone = (personal_data.decrypt_strict(petitioner.id_number),
                                        personal_data.decrypt_strict(petitioner.phone))
                    petitioner.id_number = personal_data.rotate(petitioner.id_number)
                    petitioner.phone = personal_data.rotate(petitioner.phone)
                except personal_data.UnreadableValue:
                    logger.error("rotate_keys: no key opens the personal data of petitioner %s", petitioner.pk)
                    failed += 1
                    continue
                petitioner.id_hash = personal_data.lookup_hash(id_number)
                petitioner.phone_hash = personal_data.lookup_hash(phone)
                changed.append(petitioner)
            Petitioner.objects.bulk_update(changed, ["id_number", "phone", "id_hash", "phone_hash"])
            rotated += len(changed)
            last = batch[-1].pk
    return {"rotated": rotated, "failed": failed}


def personal_data_reveal(*, actor: User, petitioner: Petitioner, channel: str, ip_address: str | None = None
                         ) -> dict[str, str]:
    """The plain ID number and phone, for a user allowed to see them; the view is logged."""
    _require(actor, "cases.view_personal_data")
    PersonalDataAccess.objects.create(user=actor, petitioner=petitioner, fields="id_number,phone", channel=channel,
                                      ip_address=ip_address)
    # In the one audit trail too (the access log above is the PIPL view of the same event, per petitioner).
    audit_append(actor=actor, action="personal_data.reveal", object_type="cases.petitioner",
                 object_id=str(petitioner.pk), object_repr=petitioner.name[:200], region_id=petitioner.county_id,
                 changes={"fields": ["id_number", "phone"], "channel": channel}, ip_address=ip_address)
    return {"id_number": petitioner.id_number_plain, "phone": petitioner.phone_plain}


# Intake ---------------------------------------------------------------------------------------------------

@dataclass
class CaseInput:
    channel: str
    received_at: datetime
    petitioner: PetitionerInput
    category: Category
    summary: str
    region: Region
    demands: str = ""
    head_count: int = 1
    co_petitioners: list[PetitionerInput] = field(default_factory=list)
    is_skip_level: bool = False
    is_to_province: bool = False
    is_to_beijing: bool = False
    upper_source: str = ""
    upper_batch: str = ""
    upper_due_on: date | None = None
    external_system: str = ""
    external_id: str = ""
    repeat_of: Case | None = None
    # A petitioner already registered in the county (a booked appointment, a reception): used as the lead as is.
    lead: Petitioner | None = None


def case_by_external_id(*, actor: User, region: Region, system: str, external_id: str) -> Case | None:
    """The case a platform's id became in the county of ``region``, which must be the actor's: a check never
    answers with another jurisdiction's case."""
    if not scoped(Region.objects.filter(pk=region.pk), actor).exists():
        raise ValidationFailed(_("问题属地不在您的辖区内。"), code="region_out_of_jurisdiction",
                               detail={"region": [_("问题属地不在您的辖区内。")]})
    return Case.objects.filter(county=county_of(region), external_system=system, external_id=external_id).first()


@transaction.atomic
def case_register(*, actor: User, data: CaseInput, files=(), ip_address: str | None = None) -> Case:
    """Register a petition (登记). The case starts as 待受理; the number is assigned now."""
    _require(actor, "cases.register_case")
    errors = {}
    if data.channel not in Channel.values:
        errors["channel"] = [_("未知的信访形式。")]
    if data.received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = [_("收到时间不能晚于现在。")]
    if data.head_count < 1 + len(data.co_petitioners):
        errors["head_count"] = [_("人数不能少于登记的信访人数。")]
    if data.channel == Channel.FROM_ABOVE and data.upper_source not in UpperSource.values:
        errors["upper_source"] = [_("上级交办的事项须注明交办来源。")]
    if data.external_id and not data.external_system:
        errors["external_system"] = [_("填写来源系统编号时须注明来源系统。")]
    if not (data.summary or "").strip():
        errors["summary"] = [_("请填写诉求摘要。")]
    if data.upper_due_on and not timezone.localtime(data.received_at).date() <= data.upper_due_on <= LATEST:
        errors["upper_due_on"] = [_("上级要求办结日期应在收到之日至2099年之间。")]
    if errors:
        raise ValidationFailed(_("提交的数据有误。"), code="invalid", detail=errors)
    if not scoped(Region.objects.filter(pk=data.region.pk), actor).exists():
        raise ValidationFailed(_("问题属地不在您的辖区内。"), code="region_out_of_jurisdiction",
                               detail={"region": [_("问题属地不在您的辖区内。")]})
    county = county_of(data.region)
    if data.category.county_id != county.pk or not data.category.is_active:
        raise ValidationFailed(_("请选择本县的信访类别。"), code="unknown_category",
                               detail={"category": [_("请选择本县的信访类别。")]})
    if data.repeat_of is not None and not scoped(Case.objects.filter(pk=data.repeat_of.pk), actor).exists():
        raise NotFound(_("未找到被重复的信访事项。"), code="case_not_found")
    if data.external_id:
        # Per county: the same work-order number in another county is another county's, and says nothing of it.
        duplicate = Case.objects.filter(county=county, external_system=data.external_system,
                                        external_id=data.external_id).first()
        if duplicate is not None:
            raise Conflict(_("该来源系统编号已登记为信访事项 %(number)s。") % {"number": duplicate.number},
                           code="duplicate_external_id", detail={"case_number": duplicate.number})
    files = list(files)
    for upload in files:
        _check_upload(upload)

    if data.lead is not None and data.lead.county_id != county.pk:
        raise ValidationFailed(_("信访人不在本县登记。"), code="petitioner_out_of_county")
    lead = data.lead or petitioner_upsert(actor=actor, county=county, data=data.petitioner)
    others = [petitioner_upsert(actor=actor, county=county, data=p) for p in data.co_petitioners]
    received_on = timezone.localtime(data.received_at).date()
    case = Case(
        number=next_case_number(county, received_on.year), county=county,
        channel=data.channel, received_at=data.received_at, lead_petitioner=lead, head_count=data.head_count,
        is_collective=data.head_count >= case_settings_for(county, received_on).collective_head_count,
        category=data.category, summary=data.summary.strip(),
        demands=data.demands.strip(), region=data.region, is_skip_level=data.is_skip_level,
        is_to_province=data.is_to_province, is_to_beijing=data.is_to_beijing, upper_source=data.upper_source,
        upper_batch=data.upper_batch, upper_due_on=data.upper_due_on, external_system=data.external_system,
        external_id=data.external_id,
        is_repeat=data.repeat_of is not None, repeat_of=data.repeat_of, registered_by=actor,
    )
    # The work-order number's uniqueness is the database's to enforce (a concurrent push passes the check above):
    # its refusal is the same 409, not a 400 from the model's own check.
    full_clean_or_fail(case, validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        if "external_id" not in str(exc):
            raise
        raise Conflict(_("该来源系统编号已登记过信访事项。"), code="duplicate_external_id") from exc
    CasePetitioner.objects.create(case=case, petitioner=lead, is_lead=True)
    CasePetitioner.objects.bulk_create(
        [CasePetitioner(case=case, petitioner=p) for p in {o.pk: o for o in others if o.pk != lead.pk}.values()]
    )
    for upload in files:
        _attach(case, actor, upload, AttachmentKind.LETTER if data.channel == Channel.LETTER else AttachmentKind.OTHER)
    message = _("登记为%(channel)s，编号 %(number)s。") % {"channel": Channel(data.channel).label,
                                                      "number": case.number}
    if case.is_repeat:
        message += _("重复信访，原事项 %(number)s。") % {"number": data.repeat_of.number}
    timeline_event(case, actor, "register", message, {"status": [None, case.status]})
    return case


def upload_check(upload) -> None:
    """An uploaded file within the size limit and of a type intake takes (its content, not its name, decides);
    refused with a Chinese reason."""
    _check_upload(upload)


def _check_upload(upload) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("文件“%(name)s”超过 %(limit)s 的大小限制。") % {"name": upload.name, "limit": filesizeformat(limit)},
            code="file_too_large", detail={"files": [upload.name]})
    head = upload.read(2048)
    upload.seek(0)
    if filetype.guess_mime(head) not in ATTACHMENT_TYPES.get(upload.content_type or "", ()):
        raise ValidationFailed(
            _("文件“%(name)s”的类型不支持，请上传 PDF、JPG、PNG 或 Word 文件。") % {"name": upload.name},
            code="file_type_not_allowed", detail={"files": [upload.name]})


def _attach(case: Case, actor: User, upload, kind: str) -> Attachment:
    return Attachment.objects.create(case=case, kind=kind, file=upload, name=upload.name[:200], size=upload.size,
                                     content_type=upload.content_type, uploaded_by=actor)


@transaction.atomic
def case_attach(*, actor: User, case: Case, files, kind: str = AttachmentKind.OTHER) -> list[Attachment]:
    """Add files to a case."""
    _visible(actor, case)
    if not (actor.has_perm("cases.register_case") or actor.has_perm("cases.handle_case")):
        raise NotPermitted()
    if kind not in AttachmentKind.values:
        raise ValidationFailed(_("未知的材料类型。"), code="invalid")
    files = list(files)
    if not files:
        raise ValidationFailed(_("请选择要上传的文件。"), code="required")
    for upload in files:
        _check_upload(upload)
    attachments = [_attach(case, actor, upload, kind) for upload in files]
    timeline_event(case, actor, "attach", _("上传材料：%(names)s") % {"names": "、".join(a.name for a in attachments)})
    return attachments


# Acceptance -----------------------------------------------------------------------------------------------

def final_matter_for(case: Case) -> Case | None:
    """An earlier case of the same petitioner and category closed after re-review (复核终结), if any."""
    return (
        Case.objects.filter(lead_petitioner=case.lead_petitioner_id, category=case.category_id, is_final=True)
        .exclude(pk=case.pk).order_by("-closed_at").first()
    )


@transaction.atomic
def case_accept(*, actor: User, case: Case, version: int) -> Case:
    """Accept (受理). Refused for a matter already closed by re-review: it is not accepted again."""
    _require(actor, "cases.route_case")
    _visible(actor, case)
    final = final_matter_for(case)
    if final is not None:
        raise Conflict(
            _("该信访人就同一事项的信访已经复核终结（%(number)s），不再受理，请作不予受理处理。")
            % {"number": final.number},
            code="final_after_re_review", detail={"case_number": final.number})
    if case.category.is_litigation:
        raise Conflict(_("涉法涉诉事项应导入法律程序处理（信访分离），不作为信访事项受理。"), code="litigation_matter")
    case = _transition(case, actor=actor, action="accept", version=version, to_status=S.ACCEPTED,
                       accepted_at=timezone.now(), message=_("受理。"))
    return case


@transaction.atomic
def case_not_accept(*, actor: User, case: Case, version: int, reason: str) -> Case:
    """Not accept (不予受理), with the reason the petitioner is told."""
    _require(actor, "cases.route_case")
    _visible(actor, case)
    reason = _required_text(reason, "reason", _("不予受理须写明理由。"))
    case = _transition(case, actor=actor, action="not_accept", version=version, to_status=S.NOT_ACCEPTED,
                       outcome_reason=reason, closed_at=timezone.now(), message=reason)
    return case


@transaction.atomic
def case_forward(*, actor: User, case: Case, version: int, to_body: str, reason: str = "") -> Case:
    """Forward (转送) to a competent body outside the system."""
    _require(actor, "cases.route_case")
    _visible(actor, case)
    to_body = _required_text(to_body, "to_body", _("请填写转送机关。"))
    case = _transition(case, actor=actor, action="forward", version=version, to_status=S.FORWARDED,
                       forwarded_to=to_body, outcome_reason=reason.strip(), closed_at=timezone.now(),
                       message=_("转送%(body)s。%(reason)s") % {"body": to_body, "reason": reason.strip()})
    return case


@transaction.atomic
def case_divert(*, actor: User, case: Case, version: int, reason: str) -> Case:
    """Divert a litigation-related matter to the legal channel (涉法涉诉, 信访分离)."""
    _require(actor, "cases.route_case")
    _visible(actor, case)
    reason = _required_text(reason, "reason", _("请写明导入的法律程序（如：诉讼、仲裁、行政复议）。"))
    case = _transition(case, actor=actor, action="divert", version=version, to_status=S.DIVERTED,
                       outcome_reason=reason, closed_at=timezone.now(), message=reason)
    return case


# Assignment -----------------------------------------------------------------------------------------------

@transaction.atomic
def case_assign(*, actor: User, case: Case, version: int, lead_unit: Unit, assist_units=(), tasks: str = "",
                assist_tasks: str = "") -> Case:
    """Assign (交办) to a lead unit, with optional assisting units. The first lead unit stays answerable
    (首办责任) through any re-routing."""
    _require(actor, "cases.route_case")
    _visible(actor, case)
    units = [lead_unit, *assist_units]
    if len({u.pk for u in units}) != len(units):
        raise ValidationFailed(_("主办单位和协办单位不能重复。"), code="duplicate_unit")
    visible_units = set(scoped(Unit.objects.filter(pk__in=[u.pk for u in units], is_active=True), actor)
                        .values_list("pk", flat=True))
    if len(visible_units) != len(units):
        raise ValidationFailed(_("只能交办给本辖区内启用的单位。"), code="unit_out_of_jurisdiction")
    case = _transition(
        case, actor=actor, action="assign", version=version, to_status=S.ASSIGNED, lead_unit=lead_unit,
        assigned_at=timezone.now(), first_unit=case.first_unit or lead_unit,
        message=" ".join(part for part in [
            _("交办%(lead)s主办。") % {"lead": lead_unit.name},
            _("%(units)s协办。") % {"units": _("、").join(u.name for u in assist_units)} if assist_units else "",
            tasks.strip(),
        ] if part),
    )
    Assignment.objects.filter(case=case, is_active=True).update(is_active=False)
    Assignment.objects.create(case=case, unit=lead_unit, role=AssignmentRole.LEAD, tasks=tasks.strip(),
                              assigned_by=actor)
    Assignment.objects.bulk_create([
        Assignment(case=case, unit=u, role=AssignmentRole.ASSIST, tasks=assist_tasks.strip(), assigned_by=actor)
        for u in assist_units
    ])
    return case


def is_lead_officer(user: User, case: Case) -> bool:
    """An officer of the unit currently leading the case."""
    return bool(user.has_perm("cases.handle_case") and user.unit_id and user.unit_id == case.lead_unit_id)


def _require_handler(actor: User, case: Case) -> None:
    """Handling steps are recorded by the lead unit's officers, or by a caseworker on their behalf."""
    if actor.has_perm("cases.route_case") or is_lead_officer(actor, case):
        return
    raise NotPermitted(_("只有主办单位或信访部门可以办理该事项。"), code="not_lead_unit")


@transaction.atomic
def case_return(*, actor: User, case: Case, version: int, reason: str) -> Case:
    """The lead unit returns a wrongly assigned case (退回) within the county's window; the caseworker re-routes."""
    _visible(actor, case)
    if not is_lead_officer(actor, case):
        raise NotPermitted(_("只有主办单位可以退回交办。"), code="not_lead_unit")
    reason = _required_text(reason, "reason", _("退回须写明理由。"))
    window = case_settings_for(case.county).return_window_days
    if case.assigned_at and timezone.now() > case.assigned_at + timedelta(days=window):
        raise Conflict(_("已超过 %(days)s 天的退回时限，不能退回，请按程序办理或申请协调。") % {"days": window},
                       code="return_window_passed")
    unit = case.lead_unit
    case = _transition(case, actor=actor, action="return", version=version, to_status=S.ACCEPTED, lead_unit=None,
                       event="return", message=_("%(unit)s退回：%(reason)s") % {"unit": unit.name, "reason": reason})
    Assignment.objects.filter(case=case, is_active=True).update(is_active=False)
    last = Assignment.objects.filter(case=case, unit=unit, role=AssignmentRole.LEAD).order_by("-id").first()
    if last:
        Assignment.objects.filter(pk=last.pk).update(returned_at=timezone.now(), return_reason=reason)
    return case


# Handling -------------------------------------------------------------------------------------------------

@transaction.atomic
def case_meet(*, actor: User, case: Case, version: int, met_at: datetime | None = None, note: str = "") -> Case:
    """Record the meeting with the petitioner (见面)."""
    _visible(actor, case)
    _require_handler(actor, case)
    met_at = met_at or timezone.now()
    if met_at > timezone.now() + timedelta(minutes=5):
        message = _("见面时间不能晚于现在。")
        raise ValidationFailed(message, code="invalid", detail={"met_at": [message]})
    case = _transition(case, actor=actor, action="meet", version=version, to_status=S.HANDLING,
                       met_at=case.met_at or met_at,
                       message=_("见面：%(note)s") % {"note": note.strip() or _("已与信访人见面。")})
    return case


@transaction.atomic
def case_feedback(*, actor: User, case: Case, version: int, note: str) -> Case:
    """Record progress fed back to the petitioner (反馈)."""
    _visible(actor, case)
    _require_handler(actor, case)
    note = _required_text(note, "note", _("请填写反馈内容。"))
    case = _transition(case, actor=actor, action="feedback", version=version, to_status=S.HANDLING,
                       feedback_at=case.feedback_at or timezone.now(),
                       message=_("反馈：%(note)s") % {"note": note})
    return case


@transaction.atomic
def case_reply(*, actor: User, case: Case, version: int, text: str, file=None) -> Case:
    """The written reply (答复, 处理意见书): text and optionally the signed letter."""
    _visible(actor, case)
    _require_handler(actor, case)
    text = _required_text(text, "text", _("请填写答复意见。"))
    if file is not None:
        _check_upload(file)
    case = _transition(case, actor=actor, action="reply", version=version, to_status=S.REPLIED,
                       replied_at=timezone.now(), reply_text=text,
                       message=_("答复：%(text)s") % {"text": text[:200]})
    if file is not None:
        _attach(case, actor, file, AttachmentKind.REPLY)
    return case


@transaction.atomic
def case_evaluate(*, actor: User, case: Case, version: int, result: str, method: str, note: str = ""
                  ) -> tuple[Case, Evaluation]:
    """Record the return visit (回访) and the petitioner's satisfaction from the case page. 不满意 sends the case back
    to be handled again (重新办理); 满意 / 基本满意 let it close."""
    _visible(actor, case)
    if not (actor.has_perm("cases.route_case") or actor.has_perm("cases.handle_case")):
        raise NotPermitted()
    return record_evaluation(case=case, actor=actor, version=version, result=result, method=method, note=note)


def record_evaluation(*, case: Case, actor: User | None, version: int, result: str, method: str, note: str = "",
                      at: datetime | None = None) -> tuple[Case, Evaluation]:
    """The evaluation itself, for callers that have checked who may record it (case_evaluate; the petitioner's own
    answer through a one-time link has no user: visits.services.answer_link_claim). Call inside a transaction."""
    if result not in Satisfaction.values:
        message = _("请选择满意、基本满意或不满意。")
        raise ValidationFailed(message, code="invalid", detail={"result": [message]})
    if method not in EvaluationMethod.values:
        raise ValidationFailed(_("请选择回访方式。"), code="invalid", detail={"method": [_("请选择回访方式。")]})
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        message = _("回访时间不能晚于现在。")
        raise ValidationFailed(message, code="invalid", detail={"visited_at": [message]})
    unsatisfied = result == Satisfaction.UNSATISFIED
    message = _("回访（%(method)s）：%(result)s。%(note)s") % {
        "method": EvaluationMethod(method).label, "result": Satisfaction(result).label, "note": note.strip()}
    extra = {"rehandle_count": case.rehandle_count + 1} if unsatisfied else {}
    if unsatisfied and case.first_unsatisfied_at is None:
        extra["first_unsatisfied_at"] = at
    case = _transition(case, actor=actor, action="evaluate", version=version,
                       to_status=S.HANDLING if unsatisfied else S.REPLIED, satisfaction=result, message=message,
                       **extra)
    evaluation = Evaluation.objects.create(case=case, result=result, method=method, note=note.strip(),
                                           recorded_by=actor, recorded_at=at)
    return case, evaluation


@transaction.atomic
def case_close(*, actor: User, case: Case, version: int, note: str = "") -> Case:
    """Close (办结) a replied case whose return visit found the petitioner satisfied or basically satisfied."""
    _require(actor, "cases.route_case")
    _visible(actor, case)
    if case.status == S.REPLIED and case.satisfaction not in (Satisfaction.SATISFIED, Satisfaction.BASIC):
        raise Conflict(_("回访结果为满意或基本满意后才能办结。"), code="not_evaluated")
    case = _transition(case, actor=actor, action="close", version=version, to_status=S.CLOSED,
                       closed_at=timezone.now(), message=note.strip() or _("办结。"))
    return case


def case_set_owner(*, actor: User, case: Case, owner: User, reason: str) -> Case:
    """Make ``owner`` the leader who owns the case (包案领导), on the timeline with the reason (谁接访谁包案 …). Bumps
    the version, so a form opened before the change is refused as stale. Call inside a transaction."""
    if case.owner_id == owner.pk:
        return case
    before = str(case.owner) if case.owner_id else None
    Case.objects.filter(pk=case.pk).update(owner=owner, version=F("version") + 1)
    case.refresh_from_db()
    timeline_event(case, actor, "owner", _("%(owner)s包案：%(reason)s") % {"owner": owner.display_name,
                                                                      "reason": reason},
                   {"owner": [before, str(owner)]})
    return case


# Extensions -----------------------------------------------------------------------------------------------

@transaction.atomic
def extension_request(*, actor: User, case: Case, days: int, reason: str) -> Extension:
    """The lead unit asks for more time, with a reason; at most the county's limit of days and times."""
    _visible(actor, case)
    _require_handler(actor, case)
    if case.status not in TRANSITIONS["request_extension"][0]:
        raise Conflict(_("当前状态为“%(status)s”，不能申请延期。") % {"status": case.get_status_display()},
                       code="transition_not_allowed")
    reason = _required_text(reason, "reason", _("申请延期须写明理由。"))
    rules = case_settings_for(case.county)
    if not 1 <= days <= rules.extension_max_days:
        raise ValidationFailed(_("延期天数应在1至%(max)s天之间。") % {"max": rules.extension_max_days},
                               code="invalid", detail={"days": [_("延期天数超出范围。")]})
    if case.extensions.filter(status=ExtensionStatus.APPROVED).count() >= rules.max_extensions:
        raise Conflict(_("该事项已延期%(n)s次，不能再申请延期。") % {"n": rules.max_extensions},
                       code="extension_limit")
    if case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("已有待审批的延期申请。"), code="extension_pending")
    extension = Extension.objects.create(case=case, days=days, reason=reason, requested_by=actor)
    timeline_event(case, actor, "extension_request",
                   _("申请延期%(days)s天：%(reason)s") % {"days": days, "reason": reason})
    return extension


@transaction.atomic
def extension_decide(*, actor: User, extension: Extension, approve: bool, note: str = "") -> Extension:
    """A caseworker or leader approves or rejects a pending extension."""
    _require(actor, "cases.approve_extension")
    _visible(actor, extension.case)
    updated = Extension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED, decided_by=actor,
        decided_at=timezone.now(), decision_note=note.strip())
    if not updated:
        raise Conflict(_("该延期申请已审批。"), code="already_decided")
    extension.refresh_from_db()
    timeline_event(extension.case, actor, "extension_decide",
           (_("批准延期%(days)s天。") if approve else _("不批准延期%(days)s天。")) % {"days": extension.days}
           + note.strip())
    return extension


# Appeals --------------------------------------------------------------------------------------------------

@transaction.atomic
def case_request_appeal(*, actor: User, case: Case, version: int, kind: str, reviewing_unit: Unit,
                        reason: str) -> Appeal:
    """Register an appeal: review (复查) by the next level up, then re-review (复核) after the review."""
    _require(actor, "cases.route_case")
    _visible(actor, case)
    reason = _required_text(reason, "reason", _("请写明申请理由。"))
    if kind == AppealKind.REVIEW:
        action, to_status = "request_review", S.REVIEWING
    elif kind == AppealKind.RE_REVIEW:
        action, to_status = "request_re_review", S.RE_REVIEWING
        if not case.appeals.filter(kind=AppealKind.REVIEW, decided_at__isnull=False).exists():
            raise Conflict(_("须先经复查，才能申请复核。"), code="review_first")
    else:
        raise ValidationFailed(_("未知的申请类型。"), code="invalid")
    if case.is_final:
        raise Conflict(_("该事项已复核终结，不能再申请。"), code="final_after_re_review")
    handled_in = (case.first_unit.region if case.first_unit_id else case.county)
    if not (handled_in.path.startswith(reviewing_unit.region.path) and reviewing_unit.region_id != handled_in.pk):
        raise ValidationFailed(_("复查（复核）由上一级机关办理，请选择上级单位。"), code="reviewing_unit_not_above")
    if case.appeals.filter(kind=kind).exists():
        raise Conflict(_("同一事项的复查（复核）只能申请一次。"), code="appeal_exists")
    case = _transition(case, actor=actor, action=action, version=version, to_status=to_status,
                       message=_("%(kind)s申请，由%(unit)s办理：%(reason)s") % {
                           "kind": AppealKind(kind).label, "unit": reviewing_unit.name, "reason": reason})
    appeal = Appeal.objects.create(case=case, kind=kind, reviewing_unit=reviewing_unit, reason=reason,
                                   registered_by=actor)
    return appeal


@transaction.atomic
def case_decide_appeal(*, actor: User, case: Case, version: int, outcome: str, decision: str) -> Appeal:
    """The reviewing body decides. After re-review the matter is final (复核终结)."""
    _require(actor, "cases.decide_appeal")
    appeal = case.appeals.filter(decided_at__isnull=True).order_by("-id").first()
    if appeal is None:
        raise Conflict(_("没有待办理的复查（复核）申请。"), code="no_pending_appeal")
    if actor.unit_id != appeal.reviewing_unit_id and not actor.is_superuser:
        raise NotPermitted(_("只有受理复查（复核）的机关可以作出意见。"), code="not_reviewing_unit")
    if outcome not in AppealOutcome.values:
        raise ValidationFailed(_("请选择复查（复核）结论。"), code="invalid")
    decision = _required_text(decision, "decision", _("请填写复查（复核）意见。"))
    final = appeal.kind == AppealKind.RE_REVIEW
    _transition(case, actor=actor, action="decide_appeal", version=version, to_status=S.CLOSED,
                closed_at=timezone.now(), is_final=final,
                message=_("%(kind)s意见（%(outcome)s）：%(decision)s") % {
                    "kind": appeal.get_kind_display(), "outcome": AppealOutcome(outcome).label,
                    "decision": decision})
    Appeal.objects.filter(pk=appeal.pk).update(outcome=outcome, decision=decision, decided_at=timezone.now(),
                                               decided_by=actor)
    appeal.refresh_from_db()
    case.refresh_from_db()
    return appeal


# Assisting units ------------------------------------------------------------------------------------------

@transaction.atomic
def assignment_report(*, actor: User, case: Case, report: str) -> Assignment:
    """An assisting unit reports its part (协办意见) to the lead unit; this meets its own sub-deadline."""
    _visible(actor, case)
    if not actor.has_perm("cases.handle_case") or not actor.unit_id:
        raise NotPermitted()
    assignment = Assignment.objects.filter(case=case, unit_id=actor.unit_id, role=AssignmentRole.ASSIST,
                                           is_active=True).first()
    if assignment is None:
        raise NotPermitted(_("只有协办单位可以报送协办意见。"), code="not_assisting_unit")
    report = _required_text(report, "report", _("请填写协办意见。"))
    if case.status not in TRANSITIONS["assist_report"][0]:
        raise Conflict(_("当前状态为“%(status)s”，不能报送协办意见。") % {"status": case.get_status_display()},
                       code="transition_not_allowed")
    if not Assignment.objects.filter(pk=assignment.pk, reported_at__isnull=True).update(
            reported_at=timezone.now(), report=report):
        raise Conflict(_("已报送过协办意见。"), code="already_reported")
    assignment.refresh_from_db()
    timeline_event(case, actor, "assist_report", _("%(unit)s报送协办意见：%(report)s") % {
        "unit": assignment.unit.name, "report": report[:200]})
    return assignment


# County settings and categories ----------------------------------------------------------------------------

@transaction.atomic
def category_create(*, actor: User | None, county: Region, name: str, parent: Category | None = None,
                    is_litigation: bool = False, sort_order: int = 0) -> Category:
    """Add a category to the county's tree (county admins; seed and tests pass actor=None)."""
    if actor is not None:
        _require(actor, "cases.add_category")
    category = Category(county=county, name=name.strip(), parent=parent, is_litigation=is_litigation,
                        sort_order=sort_order)
    full_clean_or_fail(category)
    category.save()
    if actor is not None:
        audit_record(actor=actor, action="category.create", obj=category, region=county)
    return category


@transaction.atomic
def category_set_active(*, actor: User, category: Category, active: bool) -> Category:
    """Switch a category on or off; cases keep theirs, intake stops offering a switched-off one."""
    _require(actor, "cases.change_category")
    if not scoped(Category.objects.filter(pk=category.pk, county__level=RegionLevel.COUNTY), actor).exists():
        raise NotFound()
    Category.objects.filter(pk=category.pk).update(is_active=active)
    category.refresh_from_db()
    audit_record(actor=actor, action="category.activate" if active else "category.deactivate", obj=category,
                 region=category.county)
    return category




# Saved filters (我的筛选) -------------------------------------------------------------------------------------

SAVED_FILTERS_PER_PERSON = 20  # a list of links, not a store: one screen of them


@transaction.atomic
def saved_filter_save(*, actor: User, name: str, query: str) -> SavedFilter:
    """Keep the case list's current query under ``name`` for ``actor`` (the same name replaces it). The query has
    already been read by the case FilterSet; it is re-applied within the person's jurisdiction when opened."""
    name = required_text(name, "name", _("请填写筛选名称。"))
    if len(name) > 30:
        raise ValidationFailed(_("筛选名称最多30个字。"), code="invalid", detail={"name": [_("筛选名称最多30个字。")]})
    if not query:
        raise ValidationFailed(_("请先设置筛选条件再保存。"), code="empty_filter")
    if len(query) > 2000:
        raise ValidationFailed(_("筛选条件过长。"), code="invalid")
    User.objects.select_for_update().filter(pk=actor.pk).first()  # one save at a time per person: the cap holds
    mine = SavedFilter.objects.filter(user=actor)
    existing = mine.filter(name=name).first()
    if existing is None and mine.count() >= SAVED_FILTERS_PER_PERSON:
        raise Conflict(_("最多保存%(n)s个筛选，请先删除不用的。") % {"n": SAVED_FILTERS_PER_PERSON},
                       code="too_many_filters")
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing
    return SavedFilter.objects.create(user=actor, name=name, query=query)


def saved_filter_delete(*, actor: User, pk: int) -> None:
    """Delete one of the actor's saved filters; another person's is not found."""
    deleted, _rows = SavedFilter.objects.filter(user=actor, pk=pk).delete()
    if not deleted:
        raise NotFound()
