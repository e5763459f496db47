"""Visits (接访走访): five-level reception schedules and their dated slots, appointments, the receptions themselves,
field and night visits, return visits with the petitioner's one-time answer link, meetings and duty rules.

Writes go through visits/services/ (a module per subdomain); reads through visits/selectors.py, which start from
``scoped``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Evaluation, Petitioner
from deadlines.models import Deadline
from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import Scoping

from .choices import (
    AppointmentStatus,
    Frequency,
    LinkChannel,
    MeetingKind,
    ReturnVisitStatus,
    SlotKind,
    VisitKind,
    Weekday,
    WeekOfMonth,
)


class ReceptionSchedule(models.Model):
    """A recurring reception rule (every Thursday afternoon; the first Monday of each month), expanded into dated
    slots ``schedule_horizon_weeks`` ahead (services.schedule_expand, daily by Celery beat)."""

    scoping = Scoping(region="region", include_ancestors=True)

    region = models.ForeignKey(Region, verbose_name=_("接访区划"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("接访层级"), choices=RegionLevel.choices)
    kind = models.CharField(_("接访类型"), max_length=10, choices=SlotKind.choices, default=SlotKind.REGULAR)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接访领导"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="reception_schedules")
    title = models.CharField(_("接访主题"), max_length=100)
    place = models.CharField(_("接访地点"), max_length=100)
    departments = models.ManyToManyField(Unit, verbose_name=_("参加部门"), blank=True, related_name="+")
    capacity = models.PositiveSmallIntegerField(_("可预约批次"), default=10)
    frequency = models.CharField(_("周期"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    interval = models.PositiveSmallIntegerField(_("间隔"), default=1, help_text=_("每隔几周（几个月）一次。"))
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(_("每月第几周"), choices=WeekOfMonth.choices, null=True, blank=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    skip_holidays = models.BooleanField(_("节假日顺延取消"), default=True,
                                        help_text=_("落在法定节假日和休息日的时段不生成。"))
    is_public = models.BooleanField(_("对外公布"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), db_default=Now())

    class Meta:
        verbose_name = _("接访日程规则")
        verbose_name_plural = _("接访日程规则")
        ordering = ["level", "weekday", "start_time", "id"]
        permissions = [("manage_schedule", _("可安排接访日程"))]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                   name="visits_schedule_ends_after_start",
                                   violation_error_message=_("结束时间应晚于开始时间。")),
            models.CheckConstraint(condition=Q(frequency="weekly") | Q(week_of_month__isnull=False),
                                   name="visits_schedule_monthly_has_week",
                                   violation_error_message=_("每月的规则须指定第几个星期几。")),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="visits_schedule_capacity_positive",
                                   violation_error_message=_("可预约批次至少为1。")),
        ]

    def __str__(self):
        return self.title

    @property
    def recurrence_label(self) -> str:
        """每周四, 每2周二, 每月第一个星期一 … in the reader's language."""
        values = {"n": self.interval, "weekday": self.get_weekday_display(),
                  "week": self.get_week_of_month_display() or ""}
        if self.frequency == Frequency.MONTHLY:
            return (gettext("每%(n)s个月的%(week)s%(weekday)s") if self.interval > 1
                    else gettext("每月的%(week)s%(weekday)s")) % values
        return (gettext("每%(n)s周的%(weekday)s") if self.interval > 1 else gettext("每周的%(weekday)s")) % values


class Campaign(models.Model):
    """集中接访: one reception on one topic at one time across every county under ``region``."""

    scoping = Scoping(region="region", include_ancestors=True)

    region = models.ForeignKey(Region, verbose_name=_("组织区划"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("主题"), max_length=100)
    topic = models.TextField(_("接访重点"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), db_default=Now())

    class Meta:
        verbose_name = _("集中接访活动")
        verbose_name_plural = _("集中接访活动")
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title


class ReceptionSlot(models.Model):
    """One dated reception: who receives, where, when, on what, how many appointments it takes."""

    scoping = Scoping(region="region", include_ancestors=True)

    schedule = models.ForeignKey(ReceptionSchedule, verbose_name=_("日程规则"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="slots")
    campaign = models.ForeignKey(Campaign, verbose_name=_("集中接访活动"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="slots")
    region = models.ForeignKey(Region, verbose_name=_("接访区划"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("接访层级"), choices=RegionLevel.choices)
    kind = models.CharField(_("接访类型"), max_length=10, choices=SlotKind.choices, default=SlotKind.REGULAR)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接访领导"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="reception_slots")
    title = models.CharField(_("接访主题"), max_length=100)
    place = models.CharField(_("接访地点"), max_length=100)
    departments = models.ManyToManyField(Unit, verbose_name=_("参加部门"), blank=True, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约批次"), default=10)
    is_public = models.BooleanField(_("对外公布"), default=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), db_default=Now())

    class Meta:
        verbose_name = _("接访时段")
        verbose_name_plural = _("接访时段")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="visits_slot_ends_after_start",
                                   violation_error_message=_("结束时间应晚于开始时间。")),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="visits_slot_capacity_positive",
                                   violation_error_message=_("可预约批次至少为1。")),
            # Expanding a rule twice (or in two workers at once) creates each dated slot once.
            models.UniqueConstraint(fields=["schedule", "starts_at"], name="visits_slot_once_per_schedule_time",
                                    condition=Q(schedule__isnull=False)),
        ]
        indexes = [
            # The schedule pages (week, month, public) within a jurisdiction, by time.
            models.Index(fields=["region", "starts_at"], name="visits_slot_region_time"),
            # A leader's own slots (ICS feed, overlap check).
            models.Index(fields=["leader", "starts_at"], name="visits_slot_leader_time"),
        ]

    def __str__(self):
        return f"{self.title} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Appointment(models.Model):
    """约访: a petitioner (or a case's lead petitioner) booked into a slot. A booked or attended appointment takes
    one of the slot's places; a person holds one booking per slot and none at overlapping times."""

    # As the petitioner register: a township's clerks and commissioners book the county's petitioners and see them.
    scoping = Scoping(region="petitioner__county", include_ancestors=True)

    slot = models.ForeignKey(ReceptionSlot, verbose_name=_("接访时段"), on_delete=models.PROTECT,
                             related_name="appointments")
    petitioner = models.ForeignKey(Petitioner, verbose_name=_("信访人"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("信访事项"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="appointments")
    head_count = models.PositiveSmallIntegerField(_("人数"), default=1)
    topic = models.CharField(_("反映事项"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT,
                                  related_name="+")
    booked_at = models.DateTimeField(_("预约时间"), db_default=Now())
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("约访")
        verbose_name_plural = _("约访")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "petitioner"], condition=Q(status__in=["booked", "attended"]),
                                    name="visits_appointment_once_per_slot",
                                    violation_error_message=_("该信访人已预约此接访时段。")),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="visits_appointment_head_count_positive",
                                   violation_error_message=_("人数至少为1。")),
        ]
        indexes = [
            # A person's other bookings (the double-booking check).
            models.Index(fields=["petitioner", "status"], name="visits_appointment_person"),
        ]

    def __str__(self):
        return f"{self.petitioner} @ {self.slot}"


class Reception(models.Model):
    """A leader receiving petitioners: who, whom, when, where, what was raised, what was decided. 谁接访谁包案: the
    case it opened or linked is owned by the receiving leader."""

    scoping = Scoping(region="region", unit="leader__unit")

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接访领导"), on_delete=models.PROTECT,
                               related_name="receptions")
    level = models.PositiveSmallIntegerField(_("接访层级"), choices=RegionLevel.choices)
    slot = models.ForeignKey(ReceptionSlot, verbose_name=_("接访时段"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="receptions")
    appointment = models.OneToOneField(Appointment, verbose_name=_("约访"), on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="reception")
    region = models.ForeignKey(Region, verbose_name=_("问题属地"), on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("接访时间"))
    place = models.CharField(_("接访地点"), max_length=100)
    petitioner = models.ForeignKey(Petitioner, verbose_name=_("信访人"), on_delete=models.PROTECT, related_name="+")
    head_count = models.PositiveSmallIntegerField(_("人数"), default=1)
    raised = models.TextField(_("反映问题"))
    decided = models.TextField(_("处理意见"))
    case = models.ForeignKey(Case, verbose_name=_("信访事项"), on_delete=models.PROTECT, related_name="receptions")
    opened_case = models.BooleanField(_("接访时登记"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("记录时间"), db_default=Now())

    class Meta:
        verbose_name = _("领导接访记录")
        verbose_name_plural = _("领导接访记录")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(head_count__gte=1), name="visits_reception_head_count_positive",
                                   violation_error_message=_("人数至少为1。")),
        ]
        indexes = [
            # The reception list's order (newest first), read until a page is full when the jurisdiction is wide.
            models.Index(fields=["-received_at", "-id"], name="visits_reception_time"),
            # The reception list and statistics by period within a jurisdiction.
            models.Index(fields=["region", "-received_at"], name="visits_reception_region_time"),
            # A leader's receptions (duty compliance, the leader's page).
            models.Index(fields=["leader", "-received_at"], name="visits_reception_leader_time"),
        ]

    def __str__(self):
        return f"{self.leader} {self.received_at:%Y-%m-%d}"


class FieldVisit(models.Model):
    """下访, 带案下访, 走访 or 上门回访 by one or several cadres, linked to cases and a household. ``is_night`` is fixed
    when the visit is recorded, by the county's night hours then in force."""

    scoping = Scoping(region="region")

    kind = models.CharField(_("走访类型"), max_length=12, choices=VisitKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("走访地点（区划）"), on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("走访时间"))
    is_night = models.BooleanField(_("夜访"), default=False)
    household = models.CharField(_("走访对象（户）"), max_length=100, blank=True)
    petitioner = models.ForeignKey(Petitioner, verbose_name=_("信访人"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    cadres = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("走访干部"), related_name="field_visits")
    cases = models.ManyToManyField(Case, verbose_name=_("相关信访事项"), blank=True, related_name="field_visits")
    summary = models.TextField(_("走访情况"))
    issues_found = models.TextField(_("发现问题"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("记录时间"), db_default=Now())

    class Meta:
        verbose_name = _("下访走访")
        verbose_name_plural = _("下访走访")
        ordering = ["-visited_at", "-id"]
        # The duty rules' compliance report and the visits statistics are reads of field work (the duty rules
        # themselves are county settings, visits.rules).
        permissions = [("record_field_visit", _("可登记下访走访")), ("view_compliance", _("可查看工作制度落实情况")),
                       ("view_visit_stats", _("可查看接访走访统计"))]
        indexes = [
            # The field-visit list's order (newest first), read until a page is full when the jurisdiction is wide.
            models.Index(fields=["-visited_at", "-id"], name="visits_field_time"),
            # The field-visit list and summaries by region and period.
            models.Index(fields=["region", "-visited_at"], name="visits_field_region_time"),
            # Night-visit counts and the night filter.
            models.Index(fields=["visited_at"], name="visits_field_night", condition=Q(is_night=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visited_at:%Y-%m-%d}"


class ReturnVisit(models.Model):
    """回访: scheduled when a case is replied, done by the responsible person (or answered by the petitioner through a
    one-time link). Its due date is the case's 答复后回访 clock (``deadline``), so the county's deadline rules set the
    days and the calendar moves it."""

    scoping = Scoping(region="case__region", unit="case__lead_unit")

    case = models.ForeignKey(Case, verbose_name=_("信访事项"), on_delete=models.PROTECT, related_name="return_visits")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    deadline = models.ForeignKey(Deadline, verbose_name=_("回访时限"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回访责任人"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="return_visits")
    status = models.CharField(_("状态"), max_length=10, choices=ReturnVisitStatus.choices,
                              default=ReturnVisitStatus.PENDING)
    scheduled_at = models.DateTimeField(_("安排时间"), db_default=Now())
    evaluation = models.OneToOneField(Evaluation, verbose_name=_("回访结果"), on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="return_visit")
    field_visit = models.ForeignKey(FieldVisit, verbose_name=_("上门回访记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    cancelled_reason = models.CharField(_("撤销原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="visits_returnvisit_one_open",
                                    violation_error_message=_("该事项已有待回访任务。")),
        ]
        indexes = [
            # The responsible person's work list.
            models.Index(fields=["assignee", "status"], name="visits_returnvisit_assignee"),
            # Statistics: done against due by period.
            models.Index(fields=["status", "done_at"], name="visits_returnvisit_status"),
        ]

    def __str__(self):
        return f"{self.case} #{self.round}"


class AnswerLink(models.Model):
    """A one-time link through which the petitioner answers a return visit (sent by SMS or printed as a QR code on
    the reply letter). Only the SHA-256 of the token is stored; the link works once and until ``expires_at``."""

    return_visit = models.ForeignKey(ReturnVisit, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("方式"), max_length=5, choices=LinkChannel.choices)
    sent_to = models.CharField(_("发送号码"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("生成时间"), db_default=Now())
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价链接")
        verbose_name_plural = _("评价链接")
        ordering = ["-created_at"]


class Meeting(models.Model):
    """A meeting on petition work (调度会, 联席会议 …): who attended, what was decided, which cases were discussed."""

    scoping = Scoping(region="region")

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("会议类型"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=100)
    held_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("主持人"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参会人员"), related_name="meetings")
    decisions = models.TextField(_("会议决定"))
    cases = models.ManyToManyField(Case, verbose_name=_("研究事项"), blank=True, related_name="meetings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("记录时间"), db_default=Now())

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["region", "-held_at"], name="visits_meeting_region_time")]

    def __str__(self):
        return self.title


class CalendarFeed(models.Model):
    """A leader's private ICS address, so their calendar app shows their reception slots without signing in.
    Regenerating the token retires the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("日程订阅")
        verbose_name_plural = _("日程订阅")
