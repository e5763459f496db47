"""Writes of the working-day calendar: a county admin's overrides and confirmed years, audited.

A change moves the due dates of the county's running deadlines after commit (the calendar is a fact, not a rule
version: open cases follow it): that is the deadlines app's, above this one, and workflow.calendar_* ask for it."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.errors import Conflict, NotFound, ValidationFailed
from xinfang.org.models import Region, User
from xinfang.org.services import audit_record, require_own_county

from .calendar import package_holidays, package_version, package_years
from .models import CalendarDay, CalendarYear
from .selectors import package_unknown_message


def _own_county(actor: User, county: Region, permission: str) -> None:
    require_own_county(actor=actor, county=county, permission=permission, message=_("只能修改本县的工作日历。"))


@transaction.atomic
def calendar_day_set(*, actor: User, county: Region, day: date, is_workday: bool, name: str) -> CalendarDay:
    """Make ``day`` a working day or a rest day in the county, whatever the national calendar says."""
    _own_county(actor, county, "workdays.add_calendarday")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写说明（如：县庆放假、调休上班）。"), code="required",
                               detail={"name": [_("请填写说明。")]})
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise ValidationFailed(_("日期超出范围。"), code="invalid", detail={"date": [_("日期超出范围。")]})
    try:
        with transaction.atomic():
            obj = CalendarDay.objects.create(county=county, date=day, is_workday=is_workday, name=name[:50],
                                             created_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("%(day)s 已经设置过，请先删除原设置。") % {"day": day.isoformat()},
                       code="day_exists") from exc
    audit_record(actor=actor, action="calendar_day.create", obj=obj, region=county,
                 changes={"date": day.isoformat(), "is_workday": is_workday, "name": name})
    return obj


@transaction.atomic
def calendar_day_delete(*, actor: User, day: CalendarDay) -> None:
    """Remove an override: the national calendar applies to that date again."""
    _own_county(actor, day.county, "workdays.delete_calendarday")
    deleted, _rows = CalendarDay.objects.filter(pk=day.pk).delete()
    if not deleted:
        raise NotFound()
    audit_record(actor=actor, action="calendar_day.delete", obj=day, region=day.county,
                 changes={"date": day.date.isoformat(), "is_workday": day.is_workday, "name": day.name})


@transaction.atomic
def calendar_year_confirm(*, actor: User, county: Region, year: int) -> CalendarYear:
    """The admin has entered the year's holidays and make-up days: due dates in it are no longer flagged."""
    _own_county(actor, county, "workdays.add_calendaryear")
    if year in package_years():
        raise Conflict(_("%(year)s 年已由国家法定节假日日历提供，无需确认。") % {"year": year}, code="year_known")
    if not CalendarDay.objects.filter(county=county, date__year=year).exists():
        raise Conflict(_("请先录入 %(year)s 年的法定节假日和调休上班日，再确认该年份。") % {"year": year},
                       code="year_not_entered")
    obj, created = CalendarYear.objects.get_or_create(county=county, year=year, defaults={"confirmed_by": actor})
    if not created:
        raise Conflict(_("%(year)s 年已确认。") % {"year": year}, code="year_confirmed")
    audit_record(actor=actor, action="calendar_year.confirm", obj=obj, region=county, changes={"year": year})
    return obj


@transaction.atomic
def calendar_year_load(*, actor: User, county: Region, year: int) -> CalendarYear:
    """Take ``year`` from the installed chinese-calendar package as the county's calendar: the year is settled
    (``CalendarYear.from_package``) and the county's running clocks are recomputed on the package's days
    (workflow.calendar_year_load asks for that). The package's days are not copied into the county's overrides: the
    national calendar sits under them already, and the overrides stay for the county's own days (a 县庆), which the
    load keeps. A year the package does not know is refused with what to do instead; a second load changes
    nothing."""
    _own_county(actor, county, "workdays.add_calendaryear")
    if year not in package_years():
        raise Conflict(package_unknown_message(year), code="year_unknown")
    obj, created = CalendarYear.objects.get_or_create(county=county, year=year,
                                                      defaults={"confirmed_by": actor, "from_package": True,
                                                                "confirmed_at": timezone.now()})
    if not created:
        obj = CalendarYear.objects.select_for_update().get(pk=obj.pk)
        if obj.from_package:
            raise Conflict(_("%(year)s 年的节假日已从日历数据载入，无需重复载入，本次没有改动。") % {"year": year},
                           code="year_loaded")
        # Entered by hand before the package knew the year: from now on it stands on the package's days.
        obj.from_package, obj.confirmed_by, obj.confirmed_at = True, actor, timezone.now()
        obj.save(update_fields=["from_package", "confirmed_by", "confirmed_at"])
    holidays = package_holidays(year)
    audit_record(actor=actor, action="calendar_year.load", obj=obj, region=county, changes={
        "year": year, "source": f"chinese-calendar {package_version()}", "was_entered_by_hand": not created,
        "rest_days": sum(h.rest_days for h in holidays), "makeup_days": sum(len(h.makeup) for h in holidays),
        "county_days_kept": CalendarDay.objects.filter(county=county, date__year=year).count()})
    return obj
