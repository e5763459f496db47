"""Petition cases (信访事项): petitioners, the case and its workflow records.

The workflow itself lives in cases/services.py; these models hold the facts and the invariants the database can
enforce. Personal data (ID numbers, phones) is stored encrypted with a keyed hash beside it for lookups.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from xinfang import personal_data
from xinfang.clocks import case_card
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import Scoping, among

from .choices import (
    OPEN_STATUSES,
    AppealKind,
    AppealOutcome,
    AssignmentRole,
    AttachmentKind,
    BacklogSource,
    CaseStatus,
    Channel,
    EvaluationMethod,
    ExtensionStatus,
    Satisfaction,
    UpperSource,
)


class Category(models.Model):
    """A node of the county's category tree (征地拆迁, 劳动社保/欠薪 …). ``is_litigation`` marks 涉法涉诉."""

    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="categories")
    parent = models.ForeignKey("self", verbose_name=_("上级类别"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children")
    name = models.CharField(_("类别名称"), max_length=50)
    is_litigation = models.BooleanField(_("涉法涉诉"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("信访类别")
        verbose_name_plural = _("信访类别")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "parent", "name"], name="cases_category_unique_name",
                                    violation_error_message=_("同一上级类别下已有同名类别。")),
        ]

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name

    def clean(self):
        # Two levels: filters ("a category and its children") and the dashboards' top-level rollups rely on it.
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("类别最多两级：请在一级类别下添加。")})


class Petitioner(models.Model):
    """A person who petitions (信访人); one per person per county, found by the keyed hash of their ID number.

    ``id_number`` and ``phone`` are ciphertext; use ``id_number_plain`` / ``phone_plain`` only after the
    viewer's permission was checked, and log it (services.personal_data_reveal).
    """

    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.TextField(_("身份证号码（密文）"), blank=True, editable=False)
    id_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    phone = models.TextField(_("电话（密文）"), blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("电话"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(_("登记时间"), db_default=Now())

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "id_hash"], condition=~Q(id_hash=""),
                                    name="cases_petitioner_one_person_per_county",
                                    violation_error_message=_("该身份证号码的信访人已存在。")),
        ]
        indexes = [
            # Intake lookup by phone (services.petitioner_history); the ID lookup uses the unique constraint.
            models.Index(fields=["county", "phone_hash"], name="cases_petitioner_phone"),
            # Search by name on the case list (CaseFilterSet.q).
            models.Index(fields=["county", "name"], name="cases_petitioner_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def id_number_plain(self) -> str:
        return personal_data.decrypt(self.id_number)

    @property
    def phone_plain(self) -> str:
        return personal_data.decrypt(self.phone)


def _case_assigned_to(unit_id: int) -> Q:
    return among("pk", Assignment.objects.filter(unit_id=unit_id).values("case_id"))


class Case(models.Model):
    """A petition matter (信访事项), from registration to closure and appeal.

    ``status`` only changes through services (a conditional UPDATE on ``version``, so a stale write is refused).
    ``number`` is unique per county and year and can be read aloud: 340822-2026-000123.
    """

    scoping = Scoping(region="region", county="county", unit="lead_unit", unit_exists=_case_assigned_to)

    number = models.CharField(_("编号"), max_length=24, unique=True)
    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("信访形式"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("收到时间"))
    status = models.CharField(_("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED)
    version = models.PositiveIntegerField(_("版本"), default=1)

    petitioners = models.ManyToManyField(Petitioner, through="CasePetitioner", related_name="cases")
    lead_petitioner = models.ForeignKey(Petitioner, verbose_name=_("信访人"), on_delete=models.PROTECT,
                                        related_name="led_cases")
    head_count = models.PositiveIntegerField(_("人数"), default=1)
    is_collective = models.BooleanField(_("集体访"), default=False)

    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases")
    summary = models.CharField(_("诉求摘要"), max_length=300)
    demands = models.TextField(_("诉求内容"), blank=True)
    region = models.ForeignKey(Region, verbose_name=_("问题属地"), on_delete=models.PROTECT, related_name="cases")

    is_skip_level = models.BooleanField(_("越级访"), default=False)
    is_to_province = models.BooleanField(_("赴省访"), default=False)
    is_to_beijing = models.BooleanField(_("进京访"), default=False)
    upper_source = models.CharField(_("交办来源"), max_length=20, choices=UpperSource.choices, blank=True)
    upper_batch = models.CharField(_("交办批次"), max_length=50, blank=True)
    # The day the platform that handed the case over (12345, the city, the province) wants it done by.
    upper_due_on = models.DateField(_("上级要求办结日期"), null=True, blank=True)
    external_system = models.CharField(_("来源系统"), max_length=30, blank=True)
    external_id = models.CharField(_("来源系统编号"), max_length=64, blank=True)

    is_repeat = models.BooleanField(_("重复信访"), default=False)
    repeat_of = models.ForeignKey("self", verbose_name=_("重复于"), on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="repeats")

    lead_unit = models.ForeignKey(Unit, verbose_name=_("主办单位"), on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="lead_cases")
    first_unit = models.ForeignKey(Unit, verbose_name=_("首办责任单位"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                      related_name="+")
    registered_at = models.DateTimeField(_("登记时间"), db_default=Now())
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    met_at = models.DateTimeField(_("见面时间"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reply_text = models.TextField(_("答复意见"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    rehandle_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    is_final = models.BooleanField(_("复核终结"), default=False,
                                   help_text=_("复核后终结：同一信访人就同一事项再次信访的，不再受理。"))
    rule_set = models.ForeignKey("deadlines.RuleSet", verbose_name=_("时限规则"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="cases")
    # The earliest due and warn dates of the case's running clocks (deadlines.services.refresh_case_due): the
    # card badge on every list, ordering by urgency and the overdue filter, without waiting for the sweep.
    due_on = models.DateField(_("最近到期日"), null=True, blank=True)
    warn_on = models.DateField(_("最近预警日"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("包案领导"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="owned_cases")
    # The first 不满意 of the return visits; a case still unsatisfied this many months later becomes a backlog case
    # (dossiers.services.backlog_promote, by Celery beat).
    first_unsatisfied_at = models.DateTimeField(_("首次不满意时间"), null=True, blank=True)
    backlog_at = models.DateTimeField(_("转为积案时间"), null=True, blank=True)
    backlog_source = models.CharField(_("积案来源"), max_length=20, choices=BacklogSource.choices, blank=True)
    outcome_reason = models.CharField(_("不予受理/转送/导入法律程序理由"), max_length=300, blank=True)
    forwarded_to = models.CharField(_("转送机关"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("register_case", _("可登记信访事项")),
            ("route_case", _("可受理、交办、转送、办结信访事项")),
            ("handle_case", _("可办理交办的信访事项")),
            ("approve_extension", _("可审批延期")),
            ("decide_appeal", _("可办理复查、复核")),
            ("view_personal_data", _("可查看信访人完整身份证号码和电话")),
            ("export_case", _("可导出台账")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "external_system", "external_id"], condition=~Q(external_id=""),
                name="cases_case_unique_external_id",
                violation_error_message=_("该来源系统编号已登记过信访事项。"),
            ),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="cases_case_head_count_positive",
                                   violation_error_message=_("人数至少为1。")),
            models.CheckConstraint(condition=Q(is_repeat=False) | Q(repeat_of__isnull=False),
                                   name="cases_case_repeat_links_original",
                                   violation_error_message=_("重复信访必须关联原信访事项。")),
        ]
        indexes = [
            # The case list's default order (newest first), read backwards for "oldest first" and my work.
            models.Index(fields=["-received_at", "-id"], name="cases_case_received_id"),
            # The case list's default order and date filters within a county (CaseFilterSet, selectors.case_list).
            models.Index(fields=["county", "-received_at"], name="cases_case_county_received"),
            # Status filter and the work lists (selectors.my_work).
            models.Index(fields=["county", "status", "-received_at"], name="cases_case_county_status"),
            # A unit officer's list (scoping by lead_unit) and the unit filter.
            models.Index(fields=["lead_unit", "status"], name="cases_case_lead_unit_status"),
            # Channel and category filters, and later the dashboards' group-bys.
            models.Index(fields=["county", "channel", "-received_at"], name="cases_case_county_channel"),
            models.Index(fields=["category", "-received_at"], name="cases_case_category"),
            # Jurisdiction by region subtree joins on region_id.
            models.Index(fields=["region", "-received_at"], name="cases_case_region"),
            # The jurisdiction filter's columns in one narrow index, so the list's COUNT(*) is an index-only scan
            # (the user's counties, or region subtree, OR lead unit OR an assignment to the user's unit; Case.scoping).
            models.Index(fields=["county", "region"], include=["lead_unit", "id"], name="cases_case_scope"),
            # Ordering by urgency (earliest due first, NULLS LAST as the index stores them) and the overdue filter.
            models.Index(fields=["due_on", "received_at", "id"], name="cases_case_due"),
            # The yellow-card and "red or yellow" filters of the case list (CaseFilterSet.card).
            models.Index(fields=["warn_on"], name="cases_case_warn", condition=Q(warn_on__isnull=False)),
            # The backlog promotion: only cases found unsatisfied and not yet backlog (a handful of a million).
            models.Index(fields=["first_unsatisfied_at"], name="cases_case_unsatisfied",
                         condition=Q(first_unsatisfied_at__isnull=False, backlog_at__isnull=True)),
            # Backlog lists and counts.
            models.Index(fields=["backlog_at"], name="cases_case_backlog", condition=Q(backlog_at__isnull=False)),
            # The satisfaction filter (CaseFilterSet.satisfaction: the ranking's drill-down), evaluated cases only.
            models.Index(fields=["satisfaction", "-received_at"], name="cases_case_satisfaction",
                         condition=~Q(satisfaction="")),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def card_colour(self, today) -> str:
        """'red' when a running clock is past due, 'yellow' when one is in its warning window, else ''. Computed
        from the stored earliest dates by the card rule (xinfang.clocks), so pages are right between two sweeps."""
        return case_card(self, today)


class CasePetitioner(models.Model):
    """A petitioner on a case; exactly one is the lead (``is_lead``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_petitioners")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="case_links")
    is_lead = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "petitioner"], name="cases_casepetitioner_unique"),
            models.UniqueConstraint(fields=["case"], condition=Q(is_lead=True), name="cases_casepetitioner_one_lead"),
        ]


class CaseCounter(models.Model):
    """The last sequence number used per county and year, for case numbers (services.next_case_number)."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="cases_counter_unique")]


class Assignment(models.Model):
    """A unit's part in a case (主办 lead or 协办 assisting), with its own tasks; returned if misassigned."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("承办角色"), max_length=10, choices=AssignmentRole.choices)
    tasks = models.TextField(_("办理要求"), blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), db_default=Now())
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("有效"), default=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    reported_at = models.DateTimeField(_("协办意见报送时间"), null=True, blank=True)
    report = models.TextField(_("协办意见"), blank=True)

    class Meta:
        verbose_name = _("交办记录")
        verbose_name_plural = _("交办记录")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(is_active=True, role="lead"),
                                    name="cases_assignment_one_active_lead",
                                    violation_error_message=_("一件信访事项只能有一个主办单位。")),
        ]
        indexes = [
            # Scoping: "cases assigned to my unit" (Case.scoping.unit_exists).
            models.Index(fields=["unit", "case"], name="cases_assignment_unit_case"),
        ]


class TimelineEvent(models.Model):
    """Everything that happened to a case, in order: the case's audit trail. Insert-only (services)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), db_default=Now())
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                              null=True, related_name="+")
    kind = models.CharField(_("事件"), max_length=30)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case_at")]  # the case page's timeline


class Attachment(models.Model):
    """A file on a case: scanned letter, photo, the reply letter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("材料类型"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    # None: the petitioner's own, sent online (online.Submission's materials, or added on the public pages).
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), db_default=Now())

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]


class Extension(models.Model):
    """A unit's request for more time, approved or rejected by a caseworker or leader."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延期天数"))
    reason = models.CharField(_("延期理由"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), db_default=Now())
    status = models.CharField(_("审批状态"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"),
                                    name="cases_extension_one_pending",
                                    violation_error_message=_("已有待审批的延期申请。")),
        ]


class Evaluation(models.Model):
    """A return-visit result (回访): the petitioner's satisfaction with the reply."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluations")
    result = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices)
    method = models.CharField(_("回访方式"), max_length=10, choices=EvaluationMethod.choices)
    note = models.CharField(_("回访情况"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("回访时间"), db_default=Now())

    class Meta:
        verbose_name = _("回访评价")
        verbose_name_plural = _("回访评价")
        ordering = ["recorded_at", "id"]


class Appeal(models.Model):
    """A request for review (复查) or re-review (复核) by the next level up, and its decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appeals")
    kind = models.CharField(_("类型"), max_length=10, choices=AppealKind.choices)
    reviewing_unit = models.ForeignKey(Unit, verbose_name=_("复查（复核）机关"), on_delete=models.PROTECT,
                                       related_name="+")
    reason = models.CharField(_("申请理由"), max_length=500)
    requested_at = models.DateTimeField(_("申请时间"), db_default=Now())
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("结论"), max_length=10, choices=AppealOutcome.choices, blank=True)
    decision = models.TextField(_("复查（复核）意见"), blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("复查复核")
        verbose_name_plural = _("复查复核")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="cases_appeal_once_per_kind",
                                    violation_error_message=_("同一事项的复查（复核）只能申请一次。")),
        ]


class PersonalDataAccess(models.Model):
    """Every unmasked view of a petitioner's ID number or phone: who, whom, when, from where. Insert-only."""

    scoping = Scoping(region="petitioner__county")

    at = models.DateTimeField(_("时间"), db_default=Now())
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT,
                             related_name="+")
    petitioner = models.ForeignKey(Petitioner, verbose_name=_("信访人"), on_delete=models.PROTECT, related_name="+")
    fields = models.CharField(_("字段"), max_length=50)
    channel = models.CharField(_("途径"), max_length=10)  # page / api / export
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["petitioner", "-at"], name="cases_pda_petitioner")]


class SavedFilter(models.Model):
    """A person's named case-list filter (我的筛选): the list's query string, re-applied through the case FilterSet
    and the person's jurisdiction whenever it is opened."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="saved_case_filters")
    name = models.CharField(_("名称"), max_length=30)
    query = models.CharField(_("筛选条件"), max_length=2000)
    created_at = models.DateTimeField(_("保存时间"), db_default=Now())

    class Meta:
        verbose_name = _("保存的筛选")
        verbose_name_plural = _("保存的筛选")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="cases_savedfilter_unique_name")]

    def __str__(self):
        return self.name
