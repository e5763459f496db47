"""Dashboards: monthly rollups of the cases, so a leader's dashboard over a million cases reads a few thousand rows.

A ``CaseRollup`` row counts, for one county, one month of receipt, one township (the ``area``) and one value of
one dimension (a channel, a top-level category or a lead unit), the cases in each of the measures' sets
(dashboards.measures.SETS). The rows of a county and month are recomputed together (services.rollup_refresh); a
``RollupBucket`` records when that happened and whether a case of the bucket changed since (``stale_since``).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.org.models import Region
from xinfang.org.scoping import Scoping

from .choices import Dimension


class RollupBucket(models.Model):
    """One county's cases received in one month: when their rollups were computed, and whether they are stale.

    Services mark a bucket stale after a case of it changed (on commit); Celery recomputes stale buckets every
    minute, and every night the buckets that hold open cases (whose deadlines may have passed since)."""

    # A township's people see their county's buckets: they hold only timestamps (the freshness line).
    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))  # the first day of the month
    computed_at = models.DateTimeField(_("统计时间"), null=True, blank=True)
    stale_since = models.DateTimeField(_("待更新自"), null=True, blank=True)

    class Meta:
        verbose_name = _("统计月份")
        verbose_name_plural = _("统计月份")
        constraints = [models.UniqueConstraint(fields=["county", "month"], name="dashboards_bucket_unique")]
        indexes = [
            # The refresher's queue: stale buckets, oldest change first (services.rollups_refresh_stale).
            models.Index(fields=["stale_since"], name="dashboards_bucket_stale",
                         condition=Q(stale_since__isnull=False)),
        ]

    def __str__(self):
        return f"{self.county_id} {self.month:%Y-%m}"


class CaseRollup(models.Model):
    """Counts of the cases received in one county and month, in one township, for one dimension value.

    ``key`` is the channel code, the top-level category id or the lead unit id ("" for cases not yet assigned).
    ``area`` is the township the matter lies in (the county itself for county-level matters). Each count column is
    named after its set in dashboards.measures.SETS.

    Every county-month also has its ``whole_county`` rows (``area`` is the county): the same counts summed over its
    townships, so a county's or a city's dashboard reads a tenth of the rows. Never add the two kinds together."""

    scoping = Scoping(region="area")

    county = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    # No index of its own: reads go by dimension and month first (the index below), deletes by county.
    area = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_index=False)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=20, blank=True)
    whole_county = models.BooleanField(default=False)

    received = models.PositiveIntegerField(default=0)
    first = models.PositiveIntegerField(default=0)
    repeat = models.PositiveIntegerField(default=0)
    collective = models.PositiveIntegerField(default=0)
    skip_level = models.PositiveIntegerField(default=0)
    to_province = models.PositiveIntegerField(default=0)
    to_beijing = models.PositiveIntegerField(default=0)
    decision_due = models.PositiveIntegerField(default=0)
    decided_on_time = models.PositiveIntegerField(default=0)
    reply_due = models.PositiveIntegerField(default=0)
    replied_on_time = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_first_time = models.PositiveIntegerField(default=0)
    evaluated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    first_handled = models.PositiveIntegerField(default=0)
    first_resolved = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("信访事项月统计")
        verbose_name_plural = _("信访事项月统计")
        permissions = [("view_dashboard", _("可查看领导驾驶舱"))]
        constraints = [
            models.UniqueConstraint(fields=["county", "month", "whole_county", "area", "dimension", "key"],
                                    name="dashboards_rollup_unique"),
        ]
        indexes = [
            # Every dashboard query: one kind and dimension over a range of months, then the jurisdiction's areas
            # (selectors.dashboard); the refresh deletes a county's month by the unique constraint's prefix.
            models.Index(fields=["whole_county", "dimension", "month", "area"], name="dashboards_rollup_dim_month"),
        ]

    def __str__(self):
        return f"{self.county_id} {self.month:%Y-%m} {self.area_id} {self.dimension}={self.key}"
