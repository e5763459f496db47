"""Choices of the deadlines app. Labels are Chinese source strings; locale/en translates them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockEvent(models.TextChoices):
    """The case events a milestone's clock starts from or stops at (fired by cases.services)."""

    RECEIVED = "received", _("收到信访事项")
    DECIDED = "decided", _("作出受理决定")  # accept, not accept, forward or divert
    ACCEPTED = "accepted", _("受理")
    ASSIGNED = "assigned", _("交办")
    MET = "met", _("见面")
    FEEDBACK = "feedback", _("反馈")
    ASSIST_REPORTED = "assist_reported", _("协办单位报送意见")
    REPLIED = "replied", _("答复")
    EVALUATED = "evaluated", _("回访")
    REHANDLE = "rehandle", _("不满意重新办理")
    CLOSED = "closed", _("办结")
    REVIEW_REQUESTED = "review_requested", _("申请复查")
    RE_REVIEW_REQUESTED = "re_review_requested", _("申请复核")
    APPEAL_DECIDED = "appeal_decided", _("作出复查（复核）意见")
    # A backlog dossier's measures (dossiers.services): each measure is one clock with its own deadline.
    MEASURE_SET = "measure_set", _("确定化解措施")
    MEASURE_DONE = "measure_done", _("化解措施完成")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")


class AppliesTo(models.TextChoices):
    ALL = "all", _("全部事项")
    FIRST = "first", _("初信初访")
    REPEAT = "repeat", _("重复信访")


class Party(models.TextChoices):
    """Whose clock it is: the petition office that registered the case, the lead unit, or each assisting unit."""

    OFFICE = "office", _("信访部门")
    LEAD = "lead", _("主办单位")
    ASSIST = "assist", _("协办单位")
    # A clock of its own (a backlog measure's owner): the case's workflow neither stops, suspends nor hands it over;
    # only the dossier's services start and meet it.
    OWN = "own", _("措施责任人")


class CardColour(models.TextChoices):
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")
    RED2 = "red2", _("严重超期红牌")


class ClearReason(models.TextChoices):
    MET = "met", _("已按节点办理")
    ESCALATED = "escalated", _("升级为更高警示")
    MOVED = "moved", _("时限已调整")
    SUSPENDED = "suspended", _("已中止计时")
    STOPPED = "stopped", _("节点已终止")


class SuspensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    REJECTED = "rejected", _("未批准")
    RUNNING = "running", _("中止中")
    ENDED = "ended", _("已恢复计时")


class SupervisionKind(models.TextChoices):
    REMINDER = "reminder", _("提醒单")
    LETTER = "letter", _("督办函")


class NotificationKind(models.TextChoices):
    CARD = "card", _("红黄牌")  # to the responsible unit's officers, one per card
    LEADER = "leader", _("责任领导提醒")  # to the responsible leader, one per day
    ESCALATION = "escalation", _("红牌升级")  # to the leader one level up, one per day
    SUPERVISION = "supervision", _("督办")
    DIGEST = "digest", _("每日汇总")
    DUTY = "duty", _("工作制度提醒")  # visits.services.duty_reminders: one per person, rule and period
