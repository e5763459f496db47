"""Duty rules (工作制度): the daily reminders (Notification, one per person, rule and period) to those still short of a
rule near its period's end. The rules themselves are the county's settings (visits.rules.DUTY_RULES), saved as
versions by xinfang.rules.services like every other setting."""

from datetime import date

from django.utils import timezone

from deadlines.choices import NotificationKind
from deadlines.models import Notification
from xinfang.org.models import Region
from xinfang.rules.models import RulesVersion
from xinfang.rules.selectors import rules_for_counties

from ..rules import DUTY_RULES
from ..selectors import Duty, duty_compliance_rows, period_bounds


def duty_reminders(*, today: date | None = None) -> int:
    """Beat, daily: near the end of each rule's period, remind those still short of it (one notification per person,
    rule and period: safe to run twice)."""

    today = today or timezone.localdate()
    notes = []
    counties = Region.objects.in_bulk(RulesVersion.objects.filter(group=DUTY_RULES.key).values_list(
        "county_id", flat=True).distinct())
    in_force = rules_for_counties(counties, DUTY_RULES.key, today)  # one query for every county's rules
    for county_id, rules in in_force.items():
        for rule in (Duty.of(counties[county_id], record) for record in rules.rules):
            start, end = period_bounds(rule.period, today)
            if (end - today).days > rule.remind_days_before_end:
                continue
            for row in duty_compliance_rows(rule=rule, start=start, end=end):
                if row["done"] >= rule.minimum:
                    continue
                notes.append(Notification(
                    user_id=row["user_id"], kind=NotificationKind.DUTY, key=f"duty:{rule.key}:{start.isoformat()}",
                    data={"rule": rule.name, "done": row["done"], "minimum": rule.minimum,
                          "start": start.isoformat(), "end": end.isoformat()}))
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    return len(notes)
