"""Deadlines: the county's rule sets (versioned), each case's running clocks, red and yellow cards, suspensions,
supervision documents (督办) and notifications.

A clock (``Deadline``) stores its dates — due, warn, second-red, escalate — computed with the county's
working-day calendar when it starts or changes; the sweep (``services.sweep``) then only compares dates in SQL.
A case also carries the earliest due and warn dates of its running clocks (``Case.due_on`` / ``warn_on``), so
every list shows and sorts by urgency without waiting for the sweep.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cases.models import Assignment, Case, Category
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import Scoping, among

from .choices import (
    AppliesTo,
    CardColour,
    ClearReason,
    ClockEvent,
    DayKind,
    NotificationKind,
    Party,
    SupervisionKind,
    SuspensionStatus,
)


def _case_assigned_to(unit_id: int) -> Q:
    return among("case_id", Assignment.objects.filter(unit_id=unit_id).values("case_id"))


# Rows hung on a case are seen by whoever sees the case (Case.scoping, through the case).
CASE_SCOPING = Scoping(region="case__region", county="case__county", unit="case__lead_unit",
                       unit_exists=_case_assigned_to)


class RuleSet(models.Model):
    """A rule set as the cases it governed were registered under it, compiled from one record of the county's
    deadline rules (rules.DEADLINE_RULES, versioned through xinfang.rules): which cases it governs (channels,
    sources, categories; empty means all) and its milestones. Never changed once made: a case keeps it for life.
    The rows of one ``lineage`` (the record's key) are numbered in the order they were made; ``digest`` is the
    record's fingerprint, so a version that leaves the rule set as it was finds the same row."""

    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    lineage = models.PositiveIntegerField(_("规则编号"), default=0)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    digest = models.CharField(_("内容指纹"), max_length=64)
    name = models.CharField(_("规则名称"), max_length=60)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100)
    channels = models.JSONField(_("适用信访形式"), default=list, blank=True)
    upper_sources = models.JSONField(_("适用交办来源"), default=list, blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("适用类别"), blank=True, related_name="+")
    escalate_after_days = models.PositiveSmallIntegerField(_("红牌升级（工作日）"), default=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("编制时间"), db_default=Now())

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["priority", "lineage", "-version"]
        permissions = [("view_deadline_board", _("可查看超期督办看板"))]
        constraints = [
            models.UniqueConstraint(fields=["county", "lineage", "version"], name="deadlines_ruleset_version"),
            models.UniqueConstraint(fields=["county", "lineage", "digest"], name="deadlines_ruleset_digest"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class Milestone(models.Model):
    """A limit within a rule set (compiled from the rule set's record, never changed): ``days`` (calendar or
    working) from ``start_event`` until ``end_event``, for all cases or first petitions or repeats, on the
    office's, the lead unit's or each assisting unit's clock, with its card thresholds."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="milestones")
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("节点名称"), max_length=40)
    start_event = models.CharField(_("起算事件"), max_length=30, choices=ClockEvent.choices)
    end_event = models.CharField(_("完成事件"), max_length=30, choices=ClockEvent.choices)
    days = models.PositiveSmallIntegerField(_("时限（天）"))
    day_kind = models.CharField(_("计算方式"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR)
    applies_to = models.CharField(_("适用范围"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.ALL)
    party = models.CharField(_("责任方"), max_length=10, choices=Party.choices, default=Party.LEAD)
    extendable = models.BooleanField(_("可延期"), default=False, help_text=_("批准延期后顺延。"))
    restart_on_reassign = models.BooleanField(_("重新交办后重新计时"), default=True)
    warn_days = models.PositiveSmallIntegerField(_("黄牌提前（工作日）"), default=1)
    warn_percent = models.PositiveSmallIntegerField(
        _("黄牌：已用时限比例（%）"), null=True, blank=True,
        help_text=_("填写后按已用时限比例亮黄牌（如 80），代替提前工作日数。"))
    second_red = models.BooleanField(_("严重超期红牌"), default=False,
                                     help_text=_("超期再超过一个时限的，亮第二级红牌。"))
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("时限节点")
        verbose_name_plural = _("时限节点")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="deadlines_milestone_unique_code",
                                    violation_error_message=_("同一规则中节点代码不能重复。")),
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=365), name="deadlines_milestone_days",
                                   violation_error_message=_("时限应在1至365天之间。")),
            models.CheckConstraint(condition=Q(warn_percent__isnull=True)
                                   | (Q(warn_percent__gte=1) & Q(warn_percent__lte=99)),
                                   name="deadlines_milestone_warn_percent",
                                   violation_error_message=_("黄牌比例应在1%至99%之间。")),
        ]

    def __str__(self):
        return self.name


class Deadline(models.Model):
    """A running clock: one milestone for one case and one responsible unit, with its stored dates.

    Running means neither met nor stopped. A suspended clock (``suspended_since``) raises no card; on resuming,
    the days it lost are added (``suspended_days``). ``extra_days`` holds approved extensions. The dates are
    always ``calendar.due_date(started_on, days + extra_days + suspended_days)`` and what follows from it.
    """

    scoping = CASE_SCOPING

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    milestone = models.ForeignKey(Milestone, verbose_name=_("节点"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, null=True,
                             related_name="+")
    started_at = models.DateTimeField(_("起算时间"))
    started_on = models.DateField(_("起算日"))
    # A clock granted its own number of days instead of its milestone's (a backlog measure's deadline).
    granted_days = models.PositiveSmallIntegerField(_("时限（天）"), null=True, blank=True)
    extra_days = models.PositiveSmallIntegerField(_("延期天数"), default=0)
    suspended_days = models.PositiveSmallIntegerField(_("中止天数"), default=0)
    suspended_since = models.DateField(_("中止起始日"), null=True, blank=True)
    due_on = models.DateField(_("到期日"))
    warn_on = models.DateField(_("预警日"))
    red2_on = models.DateField(_("严重超期日"), null=True, blank=True)
    escalate_on = models.DateField(_("升级督办日"))
    calendar_unconfirmed = models.BooleanField(_("日历未确认"), default=False)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    met_late = models.BooleanField(_("超期完成"), default=False)
    stopped_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    stop_reason = models.CharField(_("终止原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["due_on", "id"]
        indexes = [
            # The sweep's scan: running, not suspended clocks by their warn date (services.sweep).
            models.Index(fields=["warn_on"], name="deadlines_running_warn",
                         condition=Q(met_at__isnull=True, stopped_at__isnull=True, suspended_since__isnull=True)),
            # A case's clocks (case page, services.clock_*).
            models.Index(fields=["case", "milestone"], name="deadlines_deadline_case"),
            # The admin's "calendar unconfirmed" warning (selectors.unconfirmed_deadlines).
            models.Index(fields=["due_on"], name="deadlines_unconfirmed",
                         condition=Q(calendar_unconfirmed=True, met_at__isnull=True, stopped_at__isnull=True)),
            # One milestone's clocks due in a period, met or not (visits.selectors.visit_stats: return visits done
            # against due; the dashboards' on-time rates).
            models.Index(fields=["milestone", "due_on"], name="deadlines_milestone_due"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.milestone_id} {self.due_on}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.stopped_at is None


class Card(models.Model):
    """A red or yellow card: raised by the sweep when a running clock reaches its warn, due or second-red date,
    cleared when the condition ends (met, escalated to a higher colour, moved by an extension, suspended,
    stopped). Never deleted: the history feeds scoring. At most one uncleared card per clock and colour."""

    scoping = CASE_SCOPING

    # Indexes: the ones in Meta serve every read; the foreign keys' own would only slow the sweep's inserts.
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="cards", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cards", db_index=False)
    colour = models.CharField(_("警示"), max_length=10, choices=CardColour.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, null=True,
                             related_name="+", db_index=False)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任领导"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    raised_at = models.DateTimeField(_("亮牌时间"))
    cleared_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    clear_reason = models.CharField(_("消除原因"), max_length=10, choices=ClearReason.choices, blank=True)
    escalated_at = models.DateTimeField(_("升级督办时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("红黄牌")
        verbose_name_plural = _("红黄牌")
        ordering = ["-raised_at", "-id"]
        constraints = [
            # Two sweeps at once, or one run twice, raise one card: INSERT … ON CONFLICT DO NOTHING relies on it.
            models.UniqueConstraint(fields=["deadline", "colour"], condition=Q(cleared_at__isnull=True),
                                    name="deadlines_card_one_current"),
        ]
        indexes = [
            # The overdue board and a leader's red/yellow list: current cards by unit.
            models.Index(fields=["unit", "colour"], name="deadlines_card_current_unit",
                         condition=Q(cleared_at__isnull=True)),
            models.Index(fields=["case", "-raised_at"], name="deadlines_card_case"),
            models.Index(fields=["deadline", "colour"], name="deadlines_card_deadline"),
            # The sweep notifies the cards it raised or escalated in this run (services._notify_cards).
            models.Index(fields=["raised_at"], name="deadlines_card_raised"),
            models.Index(fields=["escalated_at"], name="deadlines_card_escalated",
                         condition=Q(escalated_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.get_colour_display()} {self.case_id}"


class Suspension(models.Model):
    """A request to stop a case's clocks (waiting for the petitioner's material, an appraisal), its approval and
    the resumption, which adds the lost days to every clock it stopped."""

    scoping = CASE_SCOPING

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField(_("中止理由"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=SuspensionStatus.choices,
                              default=SuspensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), db_default=Now())
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    started_on = models.DateField(_("中止日"), null=True, blank=True)
    ended_on = models.DateField(_("恢复日"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")

    class Meta:
        verbose_name = _("中止计时")
        verbose_name_plural = _("中止计时")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status__in=["pending", "running"]),
                                    name="deadlines_suspension_one_open",
                                    violation_error_message=_("该事项已有待审批或进行中的中止计时。")),
        ]


class SupervisionCounter(models.Model):
    """The last number used per county, year and kind of supervision document."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=SupervisionKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year", "kind"], name="deadlines_supcounter")]


class Supervision(models.Model):
    """A reminder (提醒单) or supervision letter (督办函) to the responsible unit: numbered, printable, on the
    timeline; the unit acknowledges it and answers by ``respond_by``."""

    scoping = CASE_SCOPING

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField(_("类型"), max_length=10, choices=SupervisionKind.choices)
    number = models.CharField(_("文号"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("被督办单位"), on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("督办事项"))
    respond_by = models.DateField(_("回复期限"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("签发时间"), db_default=Now())
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    response = models.TextField(_("办理情况"), blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-issued_at", "-id"]
        permissions = [("issue_supervision", _("可签发提醒单、督办函"))]
        indexes = [models.Index(fields=["unit", "responded_at"], name="deadlines_supervision_unit")]

    def __str__(self):
        return self.number


class Notification(models.Model):
    """An in-app notification (the bell), e-mailed in working hours. Its text is rendered when shown, in the
    reader's language. ``key`` makes raising it idempotent: one per user and key."""

    # The sweep writes notifications by the hundred thousand on a bad day: no index beyond what reads use (the
    # user's lists are served by the unique (user, key) and the partial indexes below; cases, cards and documents
    # are never deleted, so their foreign keys need none).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             db_index=False)
    kind = models.CharField(_("类型"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=60)
    # A notification is a log line about a case or card, never their guardian: no database constraint either,
    # which spares the sweep a check per row at commit.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             db_index=False, db_constraint=False)
    card = models.ForeignKey(Card, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             db_index=False, db_constraint=False)
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                    db_index=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), db_default=Now())
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="deadlines_notification_once")]
        indexes = [
            # The bell's unread count and the notifications page.
            models.Index(fields=["user", "-created_at"], name="deadlines_notif_unread",
                         condition=Q(read_at__isnull=True)),
            # The e-mail task: what has not been mailed yet.
            models.Index(fields=["user"], name="deadlines_notif_unmailed", condition=Q(emailed_at__isnull=True)),
        ]
