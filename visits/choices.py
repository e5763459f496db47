"""Choices of the visits app. Labels are Chinese source strings; locale/en translates them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.org.choices import RegionLevel

# What reception is called at each of the five levels (五级接访).
LEVEL_RECEPTION = {
    RegionLevel.PROVINCE: _("省级领导带头接访"),
    RegionLevel.CITY: _("市级领导定期接访"),
    RegionLevel.COUNTY: _("县级领导开门接访"),
    RegionLevel.TOWNSHIP: _("乡镇领导随时接访"),
    RegionLevel.VILLAGE: _("村居干部上门走访"),
}


class SlotKind(models.TextChoices):
    """What a reception slot is."""

    REGULAR = "regular", _("领导接访")  # the leader's own reception day at their level
    DUTY = "duty", _("坐班接访")  # a township's on-duty rota
    JOINT = "joint", _("联合接访")  # several departments together (专家门诊: 公检法司 every Thursday)
    CAMPAIGN = "campaign", _("集中接访")  # one afternoon across all counties on one topic


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("星期一")
    TUESDAY = 1, _("星期二")
    WEDNESDAY = 2, _("星期三")
    THURSDAY = 3, _("星期四")
    FRIDAY = 4, _("星期五")
    SATURDAY = 5, _("星期六")
    SUNDAY = 6, _("星期日")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("第一个")
    SECOND = 2, _("第二个")
    THIRD = 3, _("第三个")
    FOURTH = 4, _("第四个")
    LAST = -1, _("最后一个")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    ATTENDED = "attended", _("已接待")
    CANCELLED = "cancelled", _("已取消")
    NO_SHOW = "no_show", _("未到")


# Appointments that take a place in their slot.
HOLDING_PLACE = [AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED]


class VisitKind(models.TextChoices):
    """Field visits. A night visit (夜访) is any of these begun after the county's night hour."""

    DOWN = "down", _("下访")
    WITH_CASE = "with_case", _("带案下访")
    HOUSEHOLD = "household", _("走访")
    RETURN_HOME = "return_home", _("上门回访")


class ReturnVisitStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    DONE = "done", _("已回访")
    CANCELLED = "cancelled", _("已撤销")


class LinkChannel(models.TextChoices):
    SMS = "sms", _("短信")
    QR = "qr", _("二维码")


class MeetingKind(models.TextChoices):
    DISPATCH = "dispatch", _("调度会")
    JOINT = "joint", _("联席会议")
    CASE_REVIEW = "case_review", _("案件研判会")
    BACKLOG_REVIEW = "backlog", _("积案逐件过堂")  # the weekly review of backlog dossiers
    OTHER = "other", _("其他会议")


class DutyActivity(models.TextChoices):
    """What a duty rule counts for a person in a period."""

    FIELD_VISIT = "field_visit", _("下访走访（次）")
    NIGHT_VISIT = "night_visit", _("夜访（次）")
    RECEPTION = "reception", _("接访（批次）")
    MEETING = "meeting", _("参加会议（次）")
    RETURN_VISIT = "return_visit", _("完成回访（件）")


class Period(models.TextChoices):
    WEEK = "week", _("每周")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
