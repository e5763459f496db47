"""Writes of the dossiers app: how a case becomes a backlog case, its owners, task force, plan and measures, reviews,
提级会审, sign-off, 销号 and relapse; the 揭榜挂帅 board from publication to points.

Each service checks who may act, validates before it writes, and changes the data in one transaction, writing the
case's timeline in that same transaction. A stage change is a conditional UPDATE on (id, allowed stages): a dossier
that moved meanwhile is refused with 409 and nothing changes.
"""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import services as case_services
from cases.choices import OPEN_STATUSES, BacklogSource, Satisfaction, UpperSource
from cases.models import Case, TimelineEvent
from deadlines import services as clocks
from deadlines.rules import MEASURE
from visits.rules import VISIT_RULES
from xinfang.dates import refuse_future
from xinfang.errors import (
    Conflict,
    NotFound,
    NotPermitted,
    ValidationFailed,
    invalid,
    require_perm,
    required_text,
)
from xinfang.org.choices import RegionLevel, Role
from xinfang.org.models import Region, Unit, User
from xinfang.org.scoping import scoped
from xinfang.org.services import require_visible
from xinfang.rules.selectors import Rules, rules_for, rules_for_counties

from .choices import LIVE_STAGES, ClaimKind, ClaimStatus, ListingStatus, MemberRole, OwnerRole, Stage
from .models import (
    Claim,
    Dossier,
    DossierOwner,
    Escalation,
    Listing,
    Measure,
    SignOff,
    TaskForceMember,
)
from .rules import BACKLOG_RULES

STAGE_LABELS = dict(Stage.choices)
MEASURE_MAX_DAYS = 365


# Helpers --------------------------------------------------------------------------------------------------

def _person(actor: User, user: User, field_name: str) -> None:
    if not scoped(User.objects.filter(pk=user.pk, is_active=True), actor).exists():
        raise invalid(field_name, _("“%(name)s”不在您的辖区内。") % {"name": user.display_name})


def _is_leader(user: User) -> bool:
    return user.leader_level is not None or Role.LEADER in user.role_codes()


def _move(dossier: Dossier, *, allowed, to_stage: str, actor: User | None, kind: str, message: str,
          **fields) -> Dossier:
    """Move the dossier to ``to_stage`` if it is still in one of ``allowed``; write the case's timeline."""
    before = dossier.stage
    if not Dossier.objects.filter(pk=dossier.pk, stage__in=allowed).update(stage=to_stage, version=F("version") + 1,
                                                                          **fields):
        current = Dossier.objects.filter(pk=dossier.pk).values_list("stage", flat=True).first()
        raise Conflict(_("积案当前为“%(stage)s”，不能进行此操作。") % {"stage": STAGE_LABELS.get(current, current)},
                       code="stage_not_allowed", detail={"stage": current})
    dossier.refresh_from_db()
    case_services.timeline_event(dossier.case, actor, kind, message, {"dossier_stage": [before, to_stage]})
    return dossier


def settings_for(county: Region, on: date | None = None) -> Rules:
    """The county's backlog settings in force on ``on`` (today): dossiers/rules.py."""
    return rules_for(county, BACKLOG_RULES.key, on)


# Becoming backlog -----------------------------------------------------------------------------------------

SOURCE_MESSAGES = {
    BacklogSource.UNSATISFIED: gettext_lazy("回访不满意逾期未化解，列为信访积案，建立积案档案。"),
    BacklogSource.FROM_ABOVE: gettext_lazy("上级交办积案（%(batch)s），建立积案档案。"),
    BacklogSource.DESIGNATED: gettext_lazy("领导指定为信访积案：%(reason)s"),
}


def _open(case: Case, *, source: str, actor: User | None, reason: str = "", batch: str = "",
          at: datetime | None = None) -> Dossier:
    at = at or timezone.now()
    dossier = Dossier(case=case, source=source, source_batch=batch[:50], reason=reason[:300], opened_at=at,
                      opened_by=actor)
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError as exc:  # a concurrent designation of the same case
        raise Conflict(_("该事项已是信访积案。"), code="already_backlog") from exc
    Case.objects.filter(pk=case.pk, backlog_at__isnull=True).update(backlog_at=at, backlog_source=source)
    if case.owner_id:
        DossierOwner.objects.create(dossier=dossier, user_id=case.owner_id, role=OwnerRole.PRIMARY)
    message = str(SOURCE_MESSAGES[source]) % {"batch": batch or "-", "reason": reason}
    case_services.timeline_event(case, actor, "dossier_open", message, {"backlog_source": [None, source]})
    return dossier


@transaction.atomic
def dossier_designate(*, actor: User, case: Case, reason: str) -> Dossier:
    """A leader designates a case as a backlog case (领导指定), with a reason."""
    require_perm(actor, "dossiers.designate_backlog")
    require_visible(actor, case, _("未找到该信访事项。"), "case_not_found")
    reason = required_text(reason, "reason", _("指定积案须写明理由。"))
    if Dossier.objects.filter(case=case).exists():
        raise Conflict(_("该事项已是信访积案。"), code="already_backlog")
    return _open(case, source=BacklogSource.DESIGNATED, actor=actor, reason=reason)


@transaction.atomic
def dossier_from_above(*, actor: User, case: Case) -> Dossier:
    """A case assigned from above as backlog (上级交办积案): its source and batch come from the case."""
    require_perm(actor, "dossiers.manage_dossier")
    require_visible(actor, case, _("未找到该信访事项。"), "case_not_found")
    if not case.upper_source:
        raise invalid("case", _("该事项不是上级交办的事项。"))
    if Dossier.objects.filter(case=case).exists():
        raise Conflict(_("该事项已是信访积案。"), code="already_backlog")
    return _open(case, source=BacklogSource.FROM_ABOVE, actor=actor, batch=case.upper_batch)


@transaction.atomic
def batch_from_above(*, actor: User, upper_source: str, batch: str) -> int:
    """A whole batch assigned from above as backlog (a central batch of 31 cases): every case of it in the actor's
    jurisdiction without a dossier gets one. Returns how many."""
    require_perm(actor, "dossiers.manage_dossier")
    batch = (batch or "").strip()
    if upper_source not in UpperSource.values or not batch:
        raise invalid("batch", _("请选择交办来源并填写批次。"))
    cases = list(scoped(Case.objects.filter(upper_source=upper_source, upper_batch=batch, dossier__isnull=True),
                        actor).select_related("owner"))
    if not cases:
        raise NotFound(_("该批次没有可建档的信访事项。"), code="batch_not_found")
    for case in cases:
        _open(case, source=BacklogSource.FROM_ABOVE, actor=actor, batch=batch)
    return len(cases)


def dossiers_for_promoted(*, case_ids: list[int], at: datetime) -> int:
    """The three-month unsatisfied rule promoted these cases (``backlog_promote``, in its transaction):
    each gets its dossier, its owning leader carried over. Set-based: two statements whatever the number."""
    created = Dossier.objects.bulk_create(
        [Dossier(case_id=pk, source=BacklogSource.UNSATISFIED, opened_at=at) for pk in case_ids],
        ignore_conflicts=True)
    owners = dict(Case.objects.filter(pk__in=case_ids, owner__isnull=False).values_list("pk", "owner_id"))
    by_case = dict(Dossier.objects.filter(case_id__in=owners).values_list("case_id", "pk"))
    DossierOwner.objects.bulk_create([DossierOwner(dossier_id=by_case[c], user_id=u, role=OwnerRole.PRIMARY)
                                      for c, u in owners.items() if c in by_case], ignore_conflicts=True)
    return len(created)


# Backlog promotion (after the county's months of 不满意, visits/rules.py) --------------------------------

BACKLOG_BATCH = 1000


def backlog_promote(*, now: datetime | None = None) -> int:
    """Beat, daily: a case still unsatisfied ``backlog_after_months`` after its first 不满意 becomes a backlog case
    (信访积案). Set-based per county, in batches whose rows are locked (SKIP LOCKED), so two runs at once promote each
    case once; a run that dies leaves the rest for the next. Returns the number promoted."""
    now = now or timezone.now()
    candidates = Case.objects.filter(first_unsatisfied_at__isnull=False, backlog_at__isnull=True,
                                     satisfaction=Satisfaction.UNSATISFIED, status__in=OPEN_STATUSES)
    county_ids = set(candidates.order_by().values_list("county_id", flat=True).distinct())
    rules = rules_for_counties(county_ids, VISIT_RULES.key, timezone.localdate(now))
    promoted = 0
    for county_id in sorted(county_ids):
        n = rules[county_id].backlog_after_months
        cutoff = now - relativedelta(months=n)
        while True:
            with transaction.atomic():
                ids = list(candidates.filter(county_id=county_id, first_unsatisfied_at__lte=cutoff)
                           .select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
                           [:BACKLOG_BATCH])
                if not ids:
                    break
                Case.objects.filter(pk__in=ids, backlog_at__isnull=True).update(
                    backlog_at=now, backlog_source=BacklogSource.UNSATISFIED, version=F("version") + 1)
                TimelineEvent.objects.bulk_create([TimelineEvent(
                    case_id=pk, kind="backlog", at=now,
                    message=_("首次回访不满意已满%(n)s个月仍未化解，转为信访积案。") % {"n": n},
                    changes={"backlog_source": [None, BacklogSource.UNSATISFIED]}) for pk in ids])
                dossiers_for_promoted(case_ids=ids, at=now)  # each gets its dossier (一案一策一专班)
                promoted += len(ids)
    return promoted


# Owners, task force, plan, measures -----------------------------------------------------------------------

def _manage(actor: User, dossier: Dossier) -> Dossier:
    """The actor may manage dossiers and sees this one; returns it read afresh and locked for the transaction, so
    stage checks and writes of concurrent requests queue instead of racing."""
    require_perm(actor, "dossiers.manage_dossier")
    require_visible(actor, dossier, _("未找到该积案。"), "dossier_not_found")
    return Dossier.objects.select_for_update().select_related("case__county").get(pk=dossier.pk)


def dual_owners_required(dossier: Dossier) -> bool:
    """双包案: the county requires two owning leaders for backlog cases from these sources."""
    return bool(dossier.case.upper_source) and dossier.case.upper_source in settings_for(
        dossier.case.county).dual_owner_sources


@transaction.atomic
def owners_set(*, actor: User, dossier: Dossier, primary: User, second: User | None = None) -> Dossier:
    """Name the owning leader, and a second for 双包案. The first is the case's owner (包案领导) too."""
    dossier = _manage(actor, dossier)
    if dossier.stage == Stage.CLOSED:
        raise Conflict(_("积案已销号。"), code="stage_not_allowed")
    for user, name in ((primary, "primary"), (second, "second")):
        if user is None:
            continue
        _person(actor, user, name)
        if not _is_leader(user):
            raise invalid(name, _("“%(name)s”不是领导，不能包案。") % {"name": user.display_name})
    if second is not None and second.pk == primary.pk:
        raise invalid("second", _("第二包案领导不能与第一包案领导相同。"))
    if second is None and dual_owners_required(dossier):
        raise invalid("second", _("本县规定该来源的积案须双包案，请指定第二包案领导。"))
    DossierOwner.objects.filter(dossier=dossier).delete()
    DossierOwner.objects.bulk_create([DossierOwner(dossier=dossier, user=primary, role=OwnerRole.PRIMARY)] + (
        [DossierOwner(dossier=dossier, user=second, role=OwnerRole.SECOND)] if second is not None else []))
    case_services.case_set_owner(actor=actor, case=dossier.case, owner=primary, reason=_("积案包案"))
    names = primary.display_name + (_("、%(name)s（双包案）") % {"name": second.display_name} if second else "")
    case_services.timeline_event(dossier.case, actor, "dossier_owners", _("包案领导：%(names)s") % {"names": names})
    return dossier


@transaction.atomic
def member_add(*, actor: User, dossier: Dossier, user: User, role: str = MemberRole.MEMBER) -> TaskForceMember:
    """Add a person (of any unit in the jurisdiction) to the task force (专班)."""
    dossier = _manage(actor, dossier)
    if role not in MemberRole.values:
        raise invalid("role", _("请选择专班职责。"))
    _person(actor, user, "user")
    if role == MemberRole.HEAD:
        TaskForceMember.objects.filter(dossier=dossier, role=MemberRole.HEAD).update(role=MemberRole.MEMBER)
    member, created = TaskForceMember.objects.update_or_create(dossier=dossier, user=user,
                                                               defaults={"role": role, "unit_id": user.unit_id})
    case_services.timeline_event(dossier.case, actor, "dossier_member", _(
        "%(name)s（%(unit)s）加入专班，任%(role)s。") % {
        "name": user.display_name, "unit": user.unit.name if user.unit_id else "-", "role": MemberRole(role).label})
    return member


@transaction.atomic
def member_remove(*, actor: User, member: TaskForceMember) -> None:
    _manage(actor, member.dossier)
    member.delete()
    case_services.timeline_event(member.dossier.case, actor, "dossier_member",
                                 _("%(name)s退出专班。") % {"name": member.user.display_name})


@transaction.atomic
def plan_update(*, actor: User, dossier: Dossier, plan: str, facts: str, difficulty: str, persuasion: str,
                version: int | None = None) -> Dossier:
    """The resolution plan (化解方案) and the three commitments (三包: facts, difficulties, persuasion). The texts are
    replaced whole, so a form opened on an earlier ``version`` of the dossier is refused (409), not saved over a
    colleague's edit."""
    dossier = _manage(actor, dossier)
    if dossier.stage == Stage.CLOSED:
        raise Conflict(_("积案已销号。"), code="stage_not_allowed")
    if version is not None and version != dossier.version:
        raise Conflict(_("积案已被他人修改，请刷新页面后再编辑化解方案。"), code="stale_version",
                       detail={"version": dossier.version})
    Dossier.objects.filter(pk=dossier.pk).update(
        plan=(plan or "").strip(), facts_commitment=(facts or "").strip(),
        difficulty_commitment=(difficulty or "").strip(), persuasion_commitment=(persuasion or "").strip(),
        version=F("version") + 1)
    dossier.refresh_from_db()
    case_services.timeline_event(dossier.case, actor, "dossier_plan", _("更新化解方案：%(plan)s") % {
        "plan": dossier.plan[:200] or "-"})
    return dossier


@transaction.atomic
def measure_add(*, actor: User, dossier: Dossier, owner: User, action: str, due_on: date) -> Measure:
    """A measure of the plan (三定: owner, action, deadline). Its deadline runs on the deadline engine, so the sweep
    raises a yellow and then a red card on the owner's unit when it is late."""
    dossier = _manage(actor, dossier)
    if dossier.stage not in LIVE_STAGES:
        raise Conflict(_("积案当前为“%(stage)s”，不能增加措施。") % {"stage": dossier.get_stage_display()},
                       code="stage_not_allowed")
    action = required_text(action, "action", _("请填写措施内容。"))
    _person(actor, owner, "owner")
    today = timezone.localdate()
    if not today < due_on <= today + timedelta(days=MEASURE_MAX_DAYS):
        raise invalid("due_on", _("完成时限应在今天之后一年以内。"))
    measure = Measure.objects.create(dossier=dossier, owner=owner, action=action[:300], due_on=due_on,
                                     created_by=actor)
    deadline = clocks.clock_start_granted(case=dossier.case, code=MEASURE, days=(due_on - today).days,
                                          unit=owner.unit, at=timezone.now(), actor=actor, what=action)
    Measure.objects.filter(pk=measure.pk).update(deadline=deadline)
    measure.deadline = deadline
    return measure


@transaction.atomic
def measure_done(*, actor: User, measure: Measure, note: str = "") -> Measure:
    """The measure is done: its clock is met (late or not) and its cards cleared."""
    require_visible(actor, measure.dossier, _("未找到该积案。"), "dossier_not_found")
    if actor.pk != measure.owner_id and not actor.has_perm("dossiers.manage_dossier"):
        raise NotPermitted()
    now = timezone.now()
    if not Measure.objects.filter(pk=measure.pk, done_at__isnull=True).update(done_at=now,
                                                                             done_note=(note or "").strip()[:300]):
        raise Conflict(_("该措施已完成。"), code="measure_done")
    measure.refresh_from_db()
    if measure.deadline_id:
        clocks.clock_meet(deadline=measure.deadline, at=now, actor=actor)
    case_services.timeline_event(measure.dossier.case, actor, "dossier_measure", _("措施完成：%(action)s。%(note)s") % {
        "action": measure.action[:100], "note": measure.done_note})
    return measure


# Progress -------------------------------------------------------------------------------------------------

def plan_gaps(dossier: Dossier) -> list[str]:
    """What the 五个一 still lack before the plan can be put in force (empty when complete)."""
    gaps = []
    roles = set(dossier.owners.values_list("role", flat=True))
    if OwnerRole.PRIMARY not in roles:
        gaps.append(_("包案领导"))
    elif OwnerRole.SECOND not in roles and dual_owners_required(dossier):
        gaps.append(_("第二包案领导（双包案）"))
    if not dossier.members.exists():
        gaps.append(_("专班成员"))
    if not dossier.measures.exists():
        gaps.append(_("化解措施"))
    if not (dossier.facts_commitment and dossier.difficulty_commitment and dossier.persuasion_commitment):
        gaps.append(_("三包责任"))
    return gaps


@transaction.atomic
def dossier_start(*, actor: User, dossier: Dossier) -> Dossier:
    """Put the plan in force (建档 → 化解中): it needs the owning leader(s), a task force, measures and the 三包."""
    dossier = _manage(actor, dossier)
    gaps = plan_gaps(dossier)
    if gaps:
        raise ValidationFailed(_("化解方案尚不完整，还缺：%(gaps)s。") % {"gaps": _("、").join(gaps)},
                               code="plan_incomplete", detail={"missing": gaps})
    return _move(dossier, allowed=[Stage.OPENED], to_stage=Stage.RESOLVING, actor=actor, kind="dossier_stage",
                 message=_("化解方案生效，进入化解。"))


@transaction.atomic
def progress_update(*, actor: User, dossier: Dossier, progress: int, note: str) -> Dossier:
    """Record how far the resolution has come (a percentage and a line), e.g. after a weekly review (逐件过堂)."""
    dossier = _manage(actor, dossier)
    note = (note or "").strip()
    if not 0 <= progress <= 100:
        raise invalid("progress", _("化解进度应在0至100之间。"))
    if not note:
        raise invalid("note", _("请填写进展情况。"))
    if not Dossier.objects.filter(pk=dossier.pk, stage__in=LIVE_STAGES).update(
            progress=progress, progress_note=note[:300], version=F("version") + 1):
        raise Conflict(_("积案已化解或销号。"), code="stage_not_allowed")
    dossier.refresh_from_db()
    case_services.timeline_event(dossier.case, actor, "dossier_progress", _("化解进度%(p)s%%：%(note)s") % {
        "p": progress, "note": note})
    return dossier


@transaction.atomic
def escalation_request(*, actor: User, dossier: Dossier, reason: str) -> Escalation:
    """提级会审: take the dossier to a joint review one level up (the city above the county)."""
    dossier = _manage(actor, dossier)
    reason = required_text(reason, "reason", _("请写明提级会审的理由。"))
    county = dossier.case.county
    upper = county.parent if county.level == RegionLevel.COUNTY else county
    _move(dossier, allowed=[Stage.RESOLVING], to_stage=Stage.ESCALATED, actor=actor, kind="dossier_escalation",
          message=_("提请%(region)s提级会审：%(reason)s") % {"region": upper.name, "reason": reason})
    return Escalation.objects.create(dossier=dossier, to_region=upper, reason=reason[:300], requested_by=actor)


@transaction.atomic
def escalation_record(*, actor: User, escalation: Escalation, outcome: str, held_at: datetime | None = None
                      ) -> Escalation:
    """The joint review was held: its outcome is recorded and the dossier goes back to 化解中 under it."""
    escalation.dossier = _manage(actor, escalation.dossier)
    outcome = required_text(outcome, "outcome", _("请填写会审意见。"))
    held_at = held_at or timezone.now()
    refuse_future(held_at, "held_at", _("会审时间不能晚于现在。"))
    if held_at < escalation.requested_at:
        raise invalid("held_at", _("会审时间不能早于提请时间。"))
    if not Escalation.objects.filter(pk=escalation.pk, held_at__isnull=True).update(
            held_at=held_at, outcome=outcome, recorded_by=actor):
        raise Conflict(_("该提级会审已记录意见。"), code="escalation_held")
    escalation.refresh_from_db()
    _move(escalation.dossier, allowed=[Stage.ESCALATED], to_stage=Stage.RESOLVING, actor=actor,
          kind="dossier_escalation", message=_("提级会审意见：%(outcome)s") % {"outcome": outcome[:200]})
    return escalation


@transaction.atomic
def sign_off(*, actor: User, dossier: Dossier, petitioner_stopped: bool, note: str, agreement: str = ""
             ) -> SignOff:
    """督导验收: the dossier is resolved (化解中 → 已化解待销号) once every measure is done; the sign-off records
    whether the petitioner has stopped (息诉息访) and the agreement, if any."""
    dossier = _manage(actor, dossier)
    note = required_text(note, "note", _("请填写验收意见。"))
    open_measures = list(dossier.measures.filter(done_at__isnull=True).values_list("action", flat=True))
    if open_measures:
        raise Conflict(_("还有措施未完成：%(items)s。") % {"items": _("；").join(a[:30] for a in open_measures)},
                       code="measures_open", detail={"measures": open_measures})
    now = timezone.now()
    _move(dossier, allowed=[Stage.RESOLVING], to_stage=Stage.RESOLVED, actor=actor, kind="dossier_sign_off",
          message=_("督导验收：%(stopped)s。%(note)s") % {
              "stopped": _("已息诉息访") if petitioner_stopped else _("尚未息诉息访"), "note": note[:200]},
          resolved_at=now, progress=100)
    # Resolved without a claimant: the case leaves the board, and claims waiting for approval lapse.
    open_listings = list(dossier.listings.filter(status=ListingStatus.OPEN).values_list("pk", flat=True))
    Listing.objects.filter(pk__in=open_listings).update(status=ListingStatus.WITHDRAWN)
    Claim.objects.filter(listing__in=open_listings, status=ClaimStatus.PENDING).update(
        status=ClaimStatus.REJECTED, decided_at=now)
    return SignOff.objects.create(dossier=dossier, petitioner_stopped=petitioner_stopped,
                                  agreement=(agreement or "").strip(), note=note, signed_by=actor)


@transaction.atomic
def dossier_close(*, actor: User, dossier: Dossier, note: str = "") -> tuple[Dossier, Claim | None]:
    """销号: an owning leader approves the closure of a resolved dossier. A claimed 揭榜挂帅 listing is finished
    with it; returns the dossier and the claim finished, if any (its points: workflow.dossier_close)."""
    require_visible(actor, dossier, _("未找到该积案。"), "dossier_not_found")
    if not dossier.owners.filter(user=actor).exists():
        raise NotPermitted(_("销号须由包案领导审批。"), code="not_owner")
    now = timezone.now()
    dossier = _move(dossier, allowed=[Stage.RESOLVED], to_stage=Stage.CLOSED, actor=actor, kind="dossier_close",
                    message=_("包案领导审批销号。%(note)s") % {"note": (note or "").strip()}, closed_at=now,
                    closed_by=actor)
    listing = dossier.listings.filter(status=ListingStatus.CLAIMED).first()
    claim = _listing_finish(listing, at=now) if listing is not None else None
    return dossier, claim


def resolution_credit(dossier: Dossier, default: User) -> User:
    """Who a resolved dossier's points go to: the task force's head, else the primary owning leader."""
    head = dossier.members.filter(role=MemberRole.HEAD).select_related("user").first()
    primary = dossier.owners.filter(role=OwnerRole.PRIMARY).select_related("user").first()
    return head.user if head else (primary.user if primary else default)


def dossier_relapse(*, case: Case, actor: User | None) -> Dossier | None:
    """反弹: ``case`` repeats a matter whose dossier was resolved or closed. The dossier reopens (化解中) and counts a
    relapse. Called by workflow.case_register inside its transaction; returns the reopened dossier."""
    original = case.repeat_of
    seen = set()
    while original is not None and original.pk not in seen:  # the repeat chain, up to its first case
        seen.add(original.pk)
        dossier = Dossier.objects.filter(case=original).first()
        if dossier is not None:
            break
        original = original.repeat_of
    else:
        return None
    if dossier.stage not in (Stage.RESOLVED, Stage.CLOSED):
        return None
    now = timezone.now()
    dossier = _move(dossier, allowed=[Stage.RESOLVED, Stage.CLOSED], to_stage=Stage.RESOLVING, actor=actor,
                    kind="dossier_relapse",
                    message=_("信访人就同一事项再次信访（%(number)s），积案反弹，重新化解。") % {"number": case.number},
                    relapse_count=F("relapse_count") + 1, reopened_at=now, closed_at=None, closed_by=None,
                    resolved_at=None, progress=0)
    case_services.timeline_event(case, actor, "dossier_relapse", _("积案 %(number)s 反弹。") % {
        "number": dossier.case.number})
    return dossier


# 揭榜挂帅 ------------------------------------------------------------------------------------------------------

@transaction.atomic
def listing_publish(*, actor: User, dossier: Dossier, points: int | None = None, claim_days: int | None = None,
                    note: str = "") -> Listing:
    """A county admin puts a hard case on the 揭榜挂帅 board, with the points it earns and the days to finish it."""
    require_perm(actor, "dossiers.publish_listing")
    require_visible(actor, dossier, _("未找到该积案。"), "dossier_not_found")
    dossier = Dossier.objects.select_for_update().select_related("case__county").get(pk=dossier.pk)
    if dossier.stage not in LIVE_STAGES:
        raise Conflict(_("已化解或销号的积案不能上榜。"), code="stage_not_allowed")
    rules = settings_for(dossier.case.county)
    points = rules.claim_points if points is None else points
    claim_days = rules.claim_days if claim_days is None else claim_days
    if not 1 <= claim_days <= 365:
        raise invalid("claim_days", _("办结时限应在1至365天之间。"))
    if not 0 <= points <= 1000:
        raise invalid("points", _("积分应在0至1000之间。"))
    if Listing.objects.filter(dossier=dossier, status__in=[ListingStatus.OPEN, ListingStatus.CLAIMED]).exists():
        raise Conflict(_("该积案已在榜上。"), code="already_listed")
    try:
        with transaction.atomic():
            listing = Listing.objects.create(dossier=dossier, points=points, claim_days=claim_days,
                                             note=(note or "").strip()[:300], published_by=actor)
    except IntegrityError as exc:  # a concurrent publication of the same dossier
        raise Conflict(_("该积案已在榜上。"), code="already_listed") from exc
    case_services.timeline_event(dossier.case, actor, "listing", _("列入揭榜挂帅榜单（%(points)s分，%(days)s天）。") % {
        "points": points, "days": claim_days})
    return listing


@transaction.atomic
def listing_withdraw(*, actor: User, listing: Listing) -> Listing:
    require_perm(actor, "dossiers.publish_listing")
    require_visible(actor, listing, _("未找到该榜单。"), "listing_not_found")
    require_visible(actor, listing.dossier, _("未找到该积案。"), "dossier_not_found")
    if not Listing.objects.filter(pk=listing.pk, status=ListingStatus.OPEN).update(status=ListingStatus.WITHDRAWN):
        raise Conflict(_("已揭榜的榜单不能撤榜。"), code="listing_not_open")
    listing.refresh_from_db()
    Claim.objects.filter(listing=listing, status=ClaimStatus.PENDING).update(status=ClaimStatus.REJECTED,
                                                                           decided_at=timezone.now())
    return listing


@transaction.atomic
def claim_submit(*, actor: User, listing: Listing, kind: str, statement: str, recommended_by: Unit | None = None
                 ) -> Claim:
    """A cadre claims a listing: self-nominated, or recommended by a department."""
    require_perm(actor, "dossiers.claim_listing")
    require_visible(actor, listing, _("未找到该榜单。"), "listing_not_found")
    listing = Listing.objects.select_for_update().select_related("dossier__case").get(pk=listing.pk)
    if listing.dossier.stage not in LIVE_STAGES:
        raise Conflict(_("该积案已化解或销号，不能再揭榜。"), code="stage_not_allowed")
    if listing.status != ListingStatus.OPEN:
        raise Conflict(_("该榜单已被揭榜或已撤榜。"), code="listing_not_open")
    statement = required_text(statement, "statement", _("请填写揭榜承诺。"))
    if kind == ClaimKind.RECOMMENDED:
        if recommended_by is None or not scoped(Unit.objects.filter(pk=recommended_by.pk), actor).exists():
            raise invalid("recommended_by", _("单位推荐须选择推荐单位。"))
    elif kind == ClaimKind.SELF:
        recommended_by = None
    else:
        raise invalid("kind", _("请选择自荐或单位推荐。"))
    if Claim.objects.filter(listing=listing, claimant=actor, status=ClaimStatus.PENDING).exists():
        raise Conflict(_("您已揭榜，正在等待审批。"), code="already_claimed")
    claim = Claim.objects.create(listing=listing, claimant=actor, kind=kind, recommended_by=recommended_by,
                                 statement=statement[:300])
    case_services.timeline_event(listing.dossier.case, actor, "listing_claim", _(
        "%(name)s揭榜（%(kind)s）：%(s)s") % {"name": actor.display_name, "kind": ClaimKind(kind).label,
                                         "s": statement[:100]})
    return claim


@transaction.atomic
def claim_decide(*, actor: User, claim: Claim, approve: bool, note: str = "") -> Claim:
    """A leader approves a claim (the claimant now owns the case, heads its task force and has ``claim_days`` to
    finish it; other claims lapse) or rejects it."""
    require_perm(actor, "dossiers.approve_claim")
    listing = claim.listing
    require_visible(actor, listing, _("未找到该榜单。"), "listing_not_found")
    # Approving makes the claimant head of the task force: only a leader who sees the dossier itself may.
    require_visible(actor, listing.dossier, _("未找到该积案。"), "dossier_not_found")
    now = timezone.now()
    if not approve:
        if not Claim.objects.filter(pk=claim.pk, status=ClaimStatus.PENDING).update(
                status=ClaimStatus.REJECTED, decided_by=actor, decided_at=now):
            raise Conflict(_("该揭榜已审批。"), code="claim_decided")
        claim.refresh_from_db()
        return claim
    if not Dossier.objects.filter(pk=listing.dossier_id, stage__in=LIVE_STAGES).exists():
        raise Conflict(_("该积案已化解或销号，不能再揭榜。"), code="stage_not_allowed")
    if not Listing.objects.filter(pk=listing.pk, status=ListingStatus.OPEN).update(status=ListingStatus.CLAIMED):
        raise Conflict(_("该榜单已被揭榜或已撤榜。"), code="listing_not_open")
    due_on = timezone.localdate() + timedelta(days=listing.claim_days)
    if not Claim.objects.filter(pk=claim.pk, status=ClaimStatus.PENDING).update(
            status=ClaimStatus.APPROVED, decided_by=actor, decided_at=now, due_on=due_on):
        raise Conflict(_("该揭榜已审批。"), code="claim_decided")
    Claim.objects.filter(listing=listing, status=ClaimStatus.PENDING).update(status=ClaimStatus.REJECTED,
                                                                           decided_by=actor, decided_at=now)
    claim.refresh_from_db()
    dossier = listing.dossier
    TaskForceMember.objects.filter(dossier=dossier, role=MemberRole.HEAD).update(role=MemberRole.MEMBER)
    TaskForceMember.objects.update_or_create(dossier=dossier, user=claim.claimant,
                                             defaults={"role": MemberRole.HEAD, "unit_id": claim.claimant.unit_id})
    case_services.timeline_event(dossier.case, actor, "listing_claim", _(
        "批准%(name)s揭榜，任专班组长，%(due)s前化解。%(note)s") % {
        "name": claim.claimant.display_name, "due": due_on.isoformat(), "note": (note or "").strip()})
    return claim


def _listing_finish(listing: Listing, *, at: datetime) -> Claim | None:
    """The claimed case was closed (销号): the listing is done; returns the approved claim, finished (late or not),
    whose claimant earns the listing's points (workflow.dossier_close)."""
    claim = listing.claims.filter(status=ClaimStatus.APPROVED).select_related("claimant", "listing__dossier__case"
                                                                              ).first()
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.DONE, finished_at=at)
    if claim is None:
        return None
    late = claim.due_on is not None and timezone.localdate(at) > claim.due_on
    Claim.objects.filter(pk=claim.pk).update(finished_at=at, finished_late=late)
    return claim
