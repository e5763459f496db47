"""The working-day calendar: the national calendar (chinese-calendar, with 调休) plus each county's overrides.

The calendar is a fact, not a rule version: when an admin changes a day, running deadlines follow it
(deadlines.services.deadlines_recompute)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from xinfang.org.models import Region
from xinfang.org.scoping import Scoping


class CalendarDay(models.Model):
    """A county's override of one date: a local rest day (县庆, a typhoon day) or a working day the national
    calendar does not know (a make-up Saturday of a year the package has not published yet)."""

    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("工作日"))
    name = models.CharField(_("说明"), max_length=50)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("设置时间"), db_default=Now())

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["county", "date"], name="workdays_day_unique",
                                    violation_error_message=_("这一天已经设置过。")),
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


class CalendarYear(models.Model):
    """A year the county has settled. Either the admin entered it by hand, for a year the national calendar package
    does not cover yet (until then due dates in it count weekends alone and are flagged 'calendar unconfirmed'), or
    the admin loaded it from the package (``from_package``): the package's days stand as the county's calendar and
    the running clocks were recomputed on them, which matters once an upgraded package learns a year the clocks were
    counted without (services.calendar_year_load)."""

    scoping = Scoping(region="county", include_ancestors=True)

    county = models.ForeignKey(Region, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT,
                                     null=True, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), db_default=Now())
    from_package = models.BooleanField(_("从日历数据载入"), default=False)

    class Meta:
        verbose_name = _("已确认年份")
        verbose_name_plural = _("已确认年份")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="workdays_year_unique",
                                    violation_error_message=_("该年份已确认。")),
        ]

    def __str__(self):
        return str(self.year)
