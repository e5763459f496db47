"""Backlog dossiers (一案一策一专班): the 五个一 of a backlog case — one owning leader (or two, 双包案), one task force
(专班), one resolution plan (化解方案: measures with owner, action and deadline, and the 三包 commitments) and one file
(档案) — with its escalations (提级会审), sign-off (督导验收), closure (销号), relapses (反弹) and the 揭榜挂帅 board.

Writes go through dossiers/services.py; reads through dossiers/selectors.py, which start from ``scoped``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cases.choices import BacklogSource
from cases.models import Case
from deadlines.models import Deadline
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import Scoping, among

from .choices import ClaimKind, ClaimStatus, ListingStatus, MemberRole, OwnerRole, Stage


def _dossier_worked_by(unit_id: int) -> Q:
    """A dossier is also seen by the units of its task force and of its measures' owners (drawn from anywhere)."""
    return (among("pk", TaskForceMember.objects.filter(unit_id=unit_id).values("dossier_id"))
            | among("pk", Measure.objects.filter(owner__unit_id=unit_id).values("dossier_id")))


DOSSIER_SCOPING = Scoping(region="case__region", county="case__county", unit="case__lead_unit",
                          unit_exists=_dossier_worked_by)


class Dossier(models.Model):
    """One backlog case's dossier. ``stage`` changes only through services; ``relapse_count`` counts the times a
    resolved case came back (反弹)."""

    scoping = DOSSIER_SCOPING

    case = models.OneToOneField(Case, verbose_name=_("信访事项"), on_delete=models.PROTECT, related_name="dossier")
    source = models.CharField(_("积案来源"), max_length=20, choices=BacklogSource.choices)
    source_batch = models.CharField(_("交办批次"), max_length=50, blank=True)
    reason = models.CharField(_("列为积案理由"), max_length=300, blank=True)
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.OPENED)
    progress = models.PositiveSmallIntegerField(_("化解进度（%）"), default=0)
    progress_note = models.CharField(_("进展情况"), max_length=300, blank=True)
    plan = models.TextField(_("化解方案"), blank=True)
    # 三包: 包事实 (get the facts straight), 包困难 (solve the real difficulties), 包说服 (persuade the petitioner).
    facts_commitment = models.TextField(_("包事实"), blank=True)
    difficulty_commitment = models.TextField(_("包困难"), blank=True)
    persuasion_commitment = models.TextField(_("包说服"), blank=True)
    opened_at = models.DateTimeField(_("建档时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建档人"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(_("化解时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("销号审批"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    relapse_count = models.PositiveSmallIntegerField(_("反弹次数"), default=0)
    reopened_at = models.DateTimeField(_("最近反弹时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("积案档案")
        verbose_name_plural = _("积案档案")
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("manage_dossier", _("可管理积案档案（建档、专班、方案、验收）")),
            ("designate_backlog", _("可指定信访积案")),
            ("publish_listing", _("可发布揭榜挂帅")),
            ("claim_listing", _("可揭榜")),
            ("approve_claim", _("可审批揭榜")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="dossiers_dossier_progress_percent",
                                   violation_error_message=_("化解进度应在0至100之间。")),
        ]
        indexes = [
            # The backlog board by stage, newest first (selectors.dossier_list, DossierFilterSet.stage).
            models.Index(fields=["stage", "-opened_at"], name="dossiers_dossier_stage"),
            # The board's source filter.
            models.Index(fields=["source", "-opened_at"], name="dossiers_dossier_source"),
        ]

    def __str__(self):
        return self.case.number if self.case_id else "-"


class DossierOwner(models.Model):
    """A leader who owns the dossier (包案领导): the first, and a second for 双包案."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="owners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("包案领导"), on_delete=models.PROTECT,
                             related_name="owned_dossiers")
    role = models.CharField(_("包案角色"), max_length=10, choices=OwnerRole.choices)

    class Meta:
        verbose_name = _("包案领导")
        verbose_name_plural = _("包案领导")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "role"], name="dossiers_owner_one_per_role"),
            models.UniqueConstraint(fields=["dossier", "user"], name="dossiers_owner_once",
                                    violation_error_message=_("同一领导不能两次包案。")),
        ]


class TaskForceMember(models.Model):
    """A member of the dossier's task force (专班), drawn from any unit."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("成员"), on_delete=models.PROTECT,
                             related_name="task_forces")
    unit = models.ForeignKey(Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, null=True, related_name="+")
    role = models.CharField(_("专班职责"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    added_at = models.DateTimeField(_("加入时间"), db_default=Now())

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["dossier", "user"], name="dossiers_member_once",
                                               violation_error_message=_("该人员已在专班中。"))]


class Measure(models.Model):
    """A measure of the resolution plan (三定: who, what, by when). Its deadline is a clock of the deadline engine
    (``deadline``), so an overdue measure raises a card on the owner's unit like any late step."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="measures")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT,
                              related_name="measures")
    action = models.CharField(_("措施"), max_length=300)
    due_on = models.DateField(_("完成时限"))
    deadline = models.OneToOneField(Deadline, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("制定时间"), db_default=Now())

    class Meta:
        verbose_name = _("化解措施")
        verbose_name_plural = _("化解措施")
        ordering = ["due_on", "id"]


class Escalation(models.Model):
    """提级会审: a hard dossier taken to a joint review one level up, and what it decided."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="escalations")
    to_region = models.ForeignKey(Region, verbose_name=_("会审层级"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("提请理由"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提请人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("提请时间"), db_default=Now())
    held_at = models.DateTimeField(_("会审时间"), null=True, blank=True)
    outcome = models.TextField(_("会审意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("提级会审")
        verbose_name_plural = _("提级会审")
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["dossier"], condition=Q(held_at__isnull=True),
                                               name="dossiers_escalation_one_pending",
                                               violation_error_message=_("已有待会审的提级申请。"))]


class SignOff(models.Model):
    """督导验收: the check that the case is resolved — whether the petitioner has stopped (息诉息访), the agreement if
    one was signed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="sign_offs")
    petitioner_stopped = models.BooleanField(_("息诉息访"))
    agreement = models.TextField(_("化解协议"), blank=True)
    note = models.TextField(_("验收意见"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("验收人"), on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(_("验收时间"), db_default=Now())

    class Meta:
        verbose_name = _("督导验收")
        verbose_name_plural = _("督导验收")
        ordering = ["signed_at", "id"]


class Listing(models.Model):
    """揭榜挂帅: a hard case published on the county's board for a cadre to claim; finishing it earns ``points``."""

    # The board is the county's: every cadre of the county (a township's too) sees and may claim its listings.
    scoping = Scoping(region="dossier__case__county", include_ancestors=True)

    dossier = models.ForeignKey(Dossier, verbose_name=_("积案"), on_delete=models.PROTECT, related_name="listings")
    status = models.CharField(_("状态"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.OPEN)
    points = models.PositiveSmallIntegerField(_("积分"))
    claim_days = models.PositiveSmallIntegerField(_("办结时限（天）"))
    note = models.CharField(_("榜单说明"), max_length=300, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(_("发布时间"), db_default=Now())
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("揭榜挂帅")
        verbose_name_plural = _("揭榜挂帅")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["dossier"], condition=Q(status__in=["open", "claimed"]),
                                               name="dossiers_listing_one_live",
                                               violation_error_message=_("该积案已在榜上。"))]
        indexes = [models.Index(fields=["status", "-published_at"], name="dossiers_listing_status")]

    def __str__(self):
        return str(self.dossier)


class Claim(models.Model):
    """A cadre's claim on a listing, self-nominated or recommended by a department; a leader approves it, and the
    claimant then owns the case until ``due_on``."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("揭榜人"), on_delete=models.PROTECT,
                                 related_name="claims")
    kind = models.CharField(_("揭榜方式"), max_length=12, choices=ClaimKind.choices)
    recommended_by = models.ForeignKey(Unit, verbose_name=_("推荐单位"), on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+")
    statement = models.CharField(_("揭榜承诺"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    requested_at = models.DateTimeField(_("揭榜时间"), db_default=Now())
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    due_on = models.DateField(_("办结时限"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    finished_late = models.BooleanField(_("逾期完成"), default=False)

    class Meta:
        verbose_name = _("揭榜")
        verbose_name_plural = _("揭榜")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["listing"], condition=Q(status="approved"),
                                    name="dossiers_claim_one_approved",
                                    violation_error_message=_("该榜单已有人揭榜。")),
            models.UniqueConstraint(fields=["listing", "claimant"], condition=Q(status="pending"),
                                    name="dossiers_claim_once_pending",
                                    violation_error_message=_("您已揭榜，正在等待审批。")),
        ]
