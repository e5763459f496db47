"""The office's outbound edges.

- **Events** (webhooks): a change worth telling other systems about writes an ``OutboxEvent`` and one ``Delivery`` per
  subscriber in the same transaction as the change (a transactional outbox), so an event exists exactly when its change
  does; Celery delivers them afterwards, signed, retried with back-off, and logs every attempt. A worker or receiver
  that is down loses nothing: the pending deliveries wait in the table.
- **Messages** (SMS, e-mail): each is recorded under a key before it is handed to the gateway, so a retried task never
  sends it twice (at most once), and its state is shown.
- **Ledger imports** (台账导入): the county's existing Excel ledger, its columns mapped once per county
  (``LedgerMapping``), checked in a dry run and imported in one transaction (``LedgerImport``; workflow/ledger.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from xinfang import personal_data
from xinfang.org.models import Region
from xinfang.org.scoping import Scoping

from .choices import DeliveryState, EventType, ImportState, MessageChannel, MessageState


class Subscriber(models.Model):
    """A system the county tells about events: its address, the events it wants, the secret that signs them."""

    scoping = Scoping(region="county")

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅的事件"), default=list)
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    paused_reason = models.CharField(_("暂停原因"), max_length=300, blank=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    # A platform's return path (12345, 上级交办): only the cases it handed over (their external_system), in the shape
    # it asks for (services.shaped: its field names for ours, its status codes for ours). Empty: every case of the
    # county, in our own shape.
    source_system = models.CharField(_("仅限来源系统"), max_length=30, blank=True)
    shape = models.JSONField(_("回传格式"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), db_default=Now())

    class Meta:
        verbose_name = _("事件订阅")
        verbose_name_plural = _("事件订阅")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="exchange_subscriber_name",
                                               violation_error_message=_("本县已有同名的订阅。"))]

    def __str__(self):
        return self.name

    @property
    def secret(self) -> str:
        return personal_data.decrypt(self.secret_encrypted)

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(e, e)) for e in self.events]


class OutboxEvent(models.Model):
    """One event, written in the transaction of the change it tells of. ``event_id`` is what receivers de-duplicate
    by: a delivery retried after a lost answer carries the same id."""

    scoping = Scoping(region="county")

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(_("事件"), max_length=30, choices=EventType.choices)
    object_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(db_default=Now(), db_index=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")

    def __str__(self):
        return f"{self.type} {self.object_id}"


class Delivery(models.Model):
    """An event on its way to one subscriber: pending until the subscriber answers 2xx, retried at ``next_at``."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_at = models.DateTimeField(db_default=Now())
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="exchange_delivery_once")]
        indexes = [
            # The worker's queue: what is due, oldest first (a partial index: delivered rows leave it).
            models.Index(fields=["next_at"], name="exchange_delivery_due",
                         condition=models.Q(state=DeliveryState.PENDING)),
            models.Index(fields=["subscriber", "-id"], name="exchange_delivery_subscriber"),
        ]


class DeliveryAttempt(models.Model):
    """The delivery log: each try, with the receiver's answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(db_default=Now())
    status = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        indexes = [models.Index(fields=["delivery", "-at"], name="exchange_attempt_delivery")]


class Message(models.Model):
    """An SMS or e-mail, recorded under ``key`` (one message per purpose and object: "answer_link:42") with the change
    that calls for it, then handed to the gateway once (services.message_deliver): a second attempt under the same key
    sends nothing. Recipient and text are kept encrypted (the text may hold a live link)."""

    scoping = Scoping(region="county")

    key = models.CharField(max_length=100, unique=True)
    county = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, related_name="+")
    channel = models.CharField(_("渠道"), max_length=10, choices=MessageChannel.choices)
    to_masked = models.CharField(_("接收方"), max_length=100)
    to_encrypted = models.TextField(editable=False)
    body_encrypted = models.TextField(editable=False)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    purpose = models.CharField(_("用途"), max_length=50)
    state = models.CharField(_("状态"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), db_default=Now())
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [models.Index(fields=["county", "-created_at"], name="exchange_message_county")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.to_masked}"


class LedgerMapping(models.Model):
    """How the county's ledger reads, kept from one import to the next: which of its columns holds which of our
    fields (``columns``: field → header), what its names mean in our lists (``values``: kind → {their name: our id},
    for the categories, units and places it names differently), and the file's one value for a field it has no
    column for (``defaults``: a 来信台账 is all 来信)."""

    county = models.OneToOneField(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    columns = models.JSONField(_("列对照"), default=dict)
    values = models.JSONField(_("名称对照"), default=dict)
    defaults = models.JSONField(_("统一值"), default=dict)  # field → our value, where the file has no column for it
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("台账列对照")
        verbose_name_plural = _("台账列对照")


class LedgerImport(models.Model):
    """One uploaded ledger file and what became of it: the dry run's figures and error sheet, then the import's.
    Rows become cases with ``external_system="ledger"`` and a source key per row as ``external_id``, so the same
    row is never imported twice. The progress of a run is in the cache (the run is one transaction)."""

    scoping = Scoping(region="county")

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("文件"), upload_to="ledger_imports/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    headers = models.JSONField(_("表头"), default=list)
    mapping = models.JSONField(_("所用对照"), default=dict)  # {"columns": …, "values": …} as checked
    state = models.CharField(_("状态"), max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED)
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    rows_valid = models.PositiveIntegerField(_("可导入"), default=0)
    rows_skipped = models.PositiveIntegerField(_("已导入过"), default=0)
    rows_error = models.PositiveIntegerField(_("有误"), default=0)
    rows_imported = models.PositiveIntegerField(_("已导入"), default=0)
    summary = models.JSONField(_("检查结果"), default=dict)  # petitioners matched, names unmatched
    errors_file = models.FileField(_("错误清单"), upload_to="ledger_imports/%Y/%m/", blank=True)
    failure = models.CharField(_("失败原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("上传时间"), db_default=Now())
    queued_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-id"]
        permissions = [("import_ledger", _("可导入历史台账"))]
        indexes = [models.Index(fields=["county", "-created_at"], name="exchange_import_county")]

    def __str__(self):
        return self.name
