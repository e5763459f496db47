"""Scoring: the points ledger (积分制). Issue #7 adds the county's point rules, unit indicators and rankings on top;
the ledger itself is append-only from the start."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from xinfang.org.scoping import Scoping


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
