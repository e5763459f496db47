"""Scoring: the points ledger (积分制). Issue #7 adds the county's point rules, unit indicators and rankings on top;
the ledger itself is append-only from the start."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from xinfang.org.scoping import Scoping
from xinfang.rules.registry import group
from xinfang.rules.selectors import Rules

from .choices import PeriodKind, UnitGroup


class PointEntry(models.Model):
    """One line of the points ledger: who, how many points (positive or negative), by which rule, for what, when.
    Written in the same transaction as the event that earned it; a correction is a counter-entry (``corrects``),
    never an edit."""

    scoping = Scoping(region="user__unit__region", unit="user__unit")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("干部"), on_delete=models.PROTECT,
                             related_name="point_entries")
    points = models.IntegerField(_("积分"))
    rule = models.CharField(_("积分规则"), max_length=40)
    reason = models.CharField(_("事由"), max_length=300)
    case = models.ForeignKey(Case, verbose_name=_("信访事项"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    source_type = models.CharField(max_length=50, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    corrects = models.ForeignKey("self", verbose_name=_("更正的记录"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections")
    # How the points were reached: the scheme version, the base points and each factor applied.
    basis = models.JSONField(_("计分依据"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("记分时间"), db_default=Now())

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One award per rule and source (a listing finished earns its points once); corrections stand beside it.
            models.UniqueConstraint(fields=["source_type", "source_id", "rule"], name="scoring_entry_once_per_source",
                                    condition=Q(corrects__isnull=True) & ~Q(source_id="")),
        ]
        indexes = [
            # A cadre's record page and their ranking by period.
            models.Index(fields=["user", "-created_at"], name="scoring_entry_user_time"),
        ]

    def __str__(self):
        return f"{self.user} {self.points:+d} {self.rule}"


class RankingSnapshot(models.Model):
    """The county's units ranked for one period (a daily bulletin, a weekly showcase, a monthly ranking, a quarterly
    assessment). Immutable: generating the same period again returns this one."""

    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey("org.Region", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("统计起"))
    period_end = models.DateField(_("统计止"))
    # The county's index rules (xinfang.rules group "index") the snapshot was computed with, whole: the version's
    # number (0 for the defaults) and its values, so a later change of the rules never repaints a bulletin.
    scheme_version = models.PositiveIntegerField(_("指数规则版本"), default=0)
    scheme_values = models.JSONField(_("指数规则"), default=dict)
    generated_at = models.DateTimeField(_("生成时间"), db_default=Now())

    class Meta:
        verbose_name = _("排名快照")
        verbose_name_plural = _("排名快照")
        ordering = ["-period_start", "kind"]
        constraints = [models.UniqueConstraint(fields=["county", "kind", "period_start"],
                                               name="scoring_snapshot_once_per_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}"

    @property
    def scheme(self) -> Rules:
        """The index rules it was computed with, read as attributes (``snapshot.scheme.bands``)."""
        g = group("index")
        return Rules(g, {**g.defaults(), **self.scheme_values}, county_id=self.county_id)


class RankingRow(models.Model):
    """One unit in a snapshot: each module's value, rank and score, the index, the overall rank and the colour. A unit
    with nothing to count in any weighted module has no index, rank or band (无数据, grey, listed last); the bulletin,
    the map, the Excel sheet and the API all read these stored values."""

    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="rows")
    group = models.CharField(_("类别"), max_length=12, choices=UnitGroup.choices)
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("org.Region", verbose_name=_("乡镇"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    # The name as published (the township's, or the department's): a unit renamed later leaves past bulletins alone.
    name = models.CharField(_("名称"), max_length=100, default="")
    # {module: {"value", "numerator", "denominator", "no_data"}}; a rate with nothing to count has value null.
    values = models.JSONField(_("模块数据"))
    ranks = models.JSONField(_("模块排名"))  # {module: rank or null (无数据)}
    scores = models.JSONField(_("模块得分"))  # {module: score or null (无数据, left out of the index)}
    index = models.DecimalField(_("信访指数"), max_digits=7, decimal_places=2, null=True, blank=True)
    # Competition ranking on the index as stored (1, 1, 3): equal indices share the rank and the colour.
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    band = models.PositiveSmallIntegerField(_("色档"), null=True, blank=True)  # 0 = best band
    colour_name = models.CharField(_("颜色"), max_length=10)
    colour = models.CharField(_("色值"), max_length=9)
    # Where the row is listed in its group: by rank, a tie in the county's order of units, units without an index
    # last. Not a rank: two rows may share a rank, never a position.
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("排名")
        verbose_name_plural = _("排名")
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="scoring_row_once"),
            # A unit is either indexed, ranked and banded, or none of the three (无数据).
            models.CheckConstraint(
                condition=(Q(index__isnull=True, rank__isnull=True, band__isnull=True)
                           | Q(index__isnull=False, rank__isnull=False, band__isnull=False)),
                name="scoring_row_no_data_consistent",
                violation_error_message=_("排名、指数和色档须同时有值或同时为无数据。")),
        ]

    @property
    def no_data(self) -> bool:
        """Nothing to count in any weighted module this period: no index, not ranked, not coloured."""
        return self.index is None
