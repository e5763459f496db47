"""Choices of the exchange app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What a subscriber may be told (each with the case's number and state, never a petitioner's personal data)."""

    CASE_REGISTERED = "case.registered", _("事项登记")
    CASE_ACCEPTED = "case.accepted", _("事项受理")
    CASE_ASSIGNED = "case.assigned", _("事项交办")
    CASE_REPLIED = "case.replied", _("事项答复")
    CASE_CLOSED = "case.closed", _("事项办结")
    CARD_RAISED = "card.raised", _("亮牌")
    RATING_RECEIVED = "rating.received", _("收到评价")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已投递")
    GAVE_UP = "gave_up", _("已放弃")


class MessageChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class MessageState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class ImportState(models.TextChoices):
    """A ledger import's steps: uploaded, its columns mapped and checked (a dry run), then imported in one go."""

    UPLOADED = "uploaded", _("待对照")
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("已检查")
    IMPORTING = "importing", _("导入中")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("失败")
