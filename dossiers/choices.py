"""Choices of the dossiers app. Labels are Chinese source strings; locale/en translates them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a backlog dossier stands. 建档 → 化解中 (plan in force) ⇄ 提级会审 → 已化解 (signed off) → 已销号;
    a relapse (反弹) sends a resolved or closed dossier back to 化解中."""

    OPENED = "opened", _("建档")
    RESOLVING = "resolving", _("化解中")
    ESCALATED = "escalated", _("提级会审")
    RESOLVED = "resolved", _("已化解待销号")
    CLOSED = "closed", _("已销号")


LIVE_STAGES = [Stage.OPENED, Stage.RESOLVING, Stage.ESCALATED]


class OwnerRole(models.TextChoices):
    PRIMARY = "primary", _("第一包案领导")
    SECOND = "second", _("第二包案领导")


class MemberRole(models.TextChoices):
    HEAD = "head", _("专班组长")
    MEMBER = "member", _("专班成员")
    LIAISON = "liaison", _("联络员")


class ListingStatus(models.TextChoices):
    OPEN = "open", _("待揭榜")
    CLAIMED = "claimed", _("已揭榜")
    DONE = "done", _("已完成")
    WITHDRAWN = "withdrawn", _("已撤榜")


class ClaimKind(models.TextChoices):
    SELF = "self", _("自荐")
    RECOMMENDED = "recommended", _("单位推荐")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
