"""Online petitions (网上信访): what a petitioner submits on the public pages, before and after a caseworker
registers it as a case. The petitioner follows it with a query code (查询码), stored only as a keyed hash.

Personal data as in cases.models: the ID number and phone encrypted, a keyed hash beside them for look-ups, a masked
form for pages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from xinfang import personal_data
from xinfang.org.models import Region
from xinfang.org.scoping import Scoping

from .choices import SubmissionState


class Submission(models.Model):
    """One petition sent in online, waiting in the county's intake queue until a caseworker registers it (as a new
    case or as a repeat of one), refuses it with a reason the petitioner then sees, or the petitioner withdraws it."""

    scoping = Scoping(region="region", county="county")

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("问题属地"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    phone = models.TextField(editable=False)
    phone_hash = models.CharField(max_length=64, editable=False)
    phone_masked = models.CharField(_("电话"), max_length=20, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    summary = models.CharField(_("事项摘要"), max_length=300)
    facts = models.TextField(_("事实和理由"))
    demands = models.TextField(_("诉求"))
    promised = models.BooleanField(_("承诺所述属实"), default=False)
    query_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(_("状态"), max_length=12, choices=SubmissionState.choices,
                             default=SubmissionState.PENDING)
    case = models.OneToOneField(Case, verbose_name=_("信访事项"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="online_submission")
    refusal_reason = models.CharField(_("不予登记理由"), max_length=300, blank=True)
    withdraw_reason = models.CharField(_("撤回理由"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    review_reason = models.CharField(_("复查申请理由"), max_length=500, blank=True)
    review_requested_at = models.DateTimeField(_("申请复查时间"), null=True, blank=True)
    # The caseworker's answer to the petitioner's request on a registered case, read on the query page; an answered
    # request leaves the queue (a review request registered as 复查 is answered with the reviewing body's name).
    withdraw_answer = models.CharField(_("撤回申请处理结果"), max_length=300, blank=True)
    withdraw_answered_at = models.DateTimeField(_("撤回申请处理时间"), null=True, blank=True)
    review_answer = models.CharField(_("复查申请处理结果"), max_length=300, blank=True)
    review_answered_at = models.DateTimeField(_("复查申请处理时间"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), db_default=Now())

    class Meta:
        verbose_name = _("网上信访件")
        verbose_name_plural = _("网上信访件")
        ordering = ["-created_at", "-id"]
        permissions = [("register_submission", _("可登记网上信访件"))]
        constraints = [
            models.CheckConstraint(condition=~Q(state="registered") | Q(case__isnull=False),
                                   name="online_submission_registered_has_case"),
            models.CheckConstraint(condition=Q(withdraw_answered_at__isnull=True) | Q(withdrawn_at__isnull=False),
                                   name="online_submission_withdraw_answer_has_request",
                                   violation_error_message=_("没有撤回申请，无从处理。")),
            models.CheckConstraint(condition=Q(review_answered_at__isnull=True) | Q(review_requested_at__isnull=False),
                                   name="online_submission_review_answer_has_request",
                                   violation_error_message=_("没有复查申请，无从处理。")),
        ]
        indexes = [
            # The intake queue: a county's pending submissions, oldest first.
            models.Index(fields=["county", "state", "created_at"], name="online_submission_queue"),
            models.Index(fields=["phone_hash", "-created_at"], name="online_submission_phone"),
            # The queue's requests (selectors.queue): registered submissions with a request not yet answered.
            models.Index(fields=["county", "created_at"], name="online_submission_requests",
                         condition=Q(state="registered") & (
                             Q(withdrawn_at__isnull=False, withdraw_answered_at__isnull=True)
                             | Q(review_requested_at__isnull=False, review_answered_at__isnull=True))),
        ]

    def __str__(self):
        return f"{self.name} {self.summary[:20]}"

    @property
    def id_number_plain(self) -> str:
        return personal_data.decrypt(self.id_number)

    @property
    def phone_plain(self) -> str:
        return personal_data.decrypt(self.phone)


class Material(models.Model):
    """A file the petitioner sent with the petition; once the case is registered, it is on the case too."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("文件"), upload_to="online/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    added_at = models.DateTimeField(_("上传时间"), db_default=Now())

    class Meta:
        verbose_name = _("网上信访材料")
        verbose_name_plural = _("网上信访材料")
        ordering = ["added_at", "id"]


class Notice(models.Model):
    """A document the petitioner is owed (受理告知书, 不予受理告知书, 处理意见书), numbered by the county once, the
    first time it is issued: 怀信受字〔2026〕12号 — a sequence per county, kind and year (``NoticeCounter``)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("文书"), max_length=20)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.CharField(_("文号"), max_length=40)
    issued_at = models.DateTimeField(_("出具时间"), db_default=Now())

    class Meta:
        verbose_name = _("告知文书")
        verbose_name_plural = _("告知文书")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="online_notice_once_per_kind")]


class NoticeCounter(models.Model):
    """The last number given per county, kind of document and year."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "kind", "year"], name="online_notice_counter")]
