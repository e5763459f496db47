"""Choices of the cases app. Labels are Chinese source strings; locale/en translates them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    ONLINE = "online", _("网上信访")
    HOTLINE = "hotline", _("电话/12345")
    LEADER_RECEPTION = "leader_reception", _("领导接访")
    FIELD_VISIT = "field_visit", _("走访发现")
    PROXY = "proxy", _("代办")
    FROM_ABOVE = "from_above", _("上级交办")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("待受理")
    ACCEPTED = "accepted", _("待交办")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    FORWARDED = "forwarded", _("已转送")
    DIVERTED = "diverted", _("已导入法律程序")
    ASSIGNED = "assigned", _("已交办")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    REVIEWING = "reviewing", _("复查中")
    RE_REVIEWING = "re_reviewing", _("复核中")


# Statuses in which a case is still open (deadlines run, it shows in work lists).
OPEN_STATUSES = [
    CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.HANDLING, CaseStatus.REPLIED,
    CaseStatus.REVIEWING, CaseStatus.RE_REVIEWING,
]


class UpperSource(models.TextChoices):
    CENTRAL = "central", _("国家信访局（中央信联办）")
    PROVINCIAL = "provincial", _("省信联办")
    CITY = "city", _("市信联办")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class EvaluationMethod(models.TextChoices):
    VISIT = "visit", _("上门回访")
    PHONE = "phone", _("电话回访")
    LINK = "link", _("信访人自评")


class BacklogSource(models.TextChoices):
    """How a case became a backlog case (信访积案)."""

    UNSATISFIED = "unsatisfied", _("回访不满意逾期未化解")
    FROM_ABOVE = "from_above", _("上级交办积案")
    DESIGNATED = "designated", _("领导指定")


class AppealKind(models.TextChoices):
    REVIEW = "review", _("复查")
    RE_REVIEW = "re_review", _("复核")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持")
    CHANGED = "changed", _("撤销或变更")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class AttachmentKind(models.TextChoices):
    LETTER = "letter", _("来信扫描件")
    PHOTO = "photo", _("照片")
    REPLY = "reply", _("答复意见书")
    OTHER = "other", _("其他材料")
