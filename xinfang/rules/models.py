from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from xinfang.dates import DATE_VALIDATORS
from xinfang.org.scoping import Scoping


class RulesVersion(models.Model):
    """One version of a group of a county's settings (registry.Group): the whole set of values, in force from
    ``valid_from`` until a later version takes over. Never changed: a change, or a rollback, is the next version;
    only a version that has not yet taken effect may be withdrawn."""

    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey("org.Region", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("规则组"), max_length=30)
    version = models.PositiveIntegerField(_("版本"))
    values = models.JSONField(_("规则值"))
    valid_from = models.DateField(_("生效日期"), validators=DATE_VALIDATORS)
    reason = models.CharField(_("修改理由"), max_length=300)
    restored_from = models.PositiveIntegerField(_("恢复自版本"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("修改时间"), db_default=Now())
    # A version saved to take effect later may be withdrawn before its day (it never governed anything); one in
    # force is never withdrawn: a change is the next version.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("撤回人"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    withdraw_reason = models.CharField(_("撤回理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("县级规则版本")
        verbose_name_plural = _("县级规则版本")
        ordering = ["county", "group", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["county", "group", "version"], name="rules_version_unique"),
        ]
        indexes = [
            # The version in force on a day: the newest (valid_from, version) on or before it.
            models.Index(fields=["county", "group", "-valid_from", "-version"], name="rules_in_force"),
        ]

    def __str__(self):
        return f"{self.county} {self.group} v{self.version}"
