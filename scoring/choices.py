"""Choices of the scoring app. Labels are Chinese source strings; locale/en translates them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Module(models.TextChoices):
    """The six modules of the petition index (东阳: 信访指数), each ranked across the county's units."""

    FIRST = "first", _("初信初访化解")  # the share of first petitions resolved (higher is better)
    REPEAT = "repeat", _("重复信访")  # repeat petitions received (fewer is better)
    BACKLOG = "backlog", _("积案化解")  # the share of backlog dossiers resolved (higher is better)
    MAIN_FIELDS = "main_fields", _("三大领域信访")  # petitions in the county's main fields (fewer is better)
    SKIP_LEVEL = "skip_level", _("越级访")  # skip-level, 赴省 and 进京 petitions (fewer is better)
    SATISFACTION = "satisfaction", _("群众满意率")  # satisfied or basically satisfied (higher is better)


# Whether a module's larger value ranks first.
HIGHER_IS_BETTER = {Module.FIRST: True, Module.REPEAT: False, Module.BACKLOG: True, Module.MAIN_FIELDS: False,
                    Module.SKIP_LEVEL: False, Module.SATISFACTION: True}


class UnitGroup(models.TextChoices):
    """Townships and departments are ranked separately (乡镇（街道） and 县直部门)."""

    TOWNSHIP = "township", _("乡镇（街道）")
    DEPARTMENT = "department", _("县直部门")


class PeriodKind(models.TextChoices):
    DAY = "day", _("日通报")
    WEEK = "week", _("周亮晒")
    MONTH = "month", _("月排名")
    QUARTER = "quarter", _("季考核")


class BandMode(models.TextChoices):
    SHARE = "share", _("按排名比例")
    SCORE = "score", _("按指数分数线")


class NoDataRule(models.TextChoices):
    """What the petition index does with a rate module a unit had nothing to count in this period (no first
    petitions handled, no dossiers, no ratings): the module shows 无数据 either way."""

    EXCLUDE = "exclude", _("不计入指数（其余模块权重按比例折算）")
    FULL_MARKS = "full_marks", _("按满分计（排名赋分表第一名的分数）")


class PointEvent(models.TextChoices):
    """What earns (or costs) a cadre points (积分制); the county's point scheme gives each its base points."""

    CASE_RESOLVED = "case_resolved", _("办结化解信访事项")  # the officer who replied, when the case closes satisfied
    LATE_CLOSURE = "late_closure", _("超期办结")  # the same officer, when a clock of the case was met late
    BACKLOG_RESOLVED = "backlog_resolved", _("化解信访积案")  # the task-force head (else the owner), at 销号
    RETURN_VISIT = "return_visit", _("完成回访")  # whoever recorded the return visit
    RECEPTION = "reception", _("领导接访")  # the receiving leader
    RELAPSE = "relapse", _("积案反弹")  # the owning leaders, when a resolved backlog case comes back
    RED_CARD = "red_card", _("红牌")  # the card's responsible leader, when the sweep raises a red card
