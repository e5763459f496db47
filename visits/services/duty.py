"""Duty rules (工作制度): writes the county's DutyRule versions (a change ends the current version yesterday and
starts a new one today, so past periods are judged by the rule then in force), their retirement, and the daily
reminders (Notification, one per person, rule and period) to those still short of a rule near its period's end."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.choices import NotificationKind
from deadlines.models import Notification
from xinfang.errors import Conflict, ValidationFailed, full_clean_or_fail
from xinfang.org.choices import Role
from xinfang.org.models import Region, User
from xinfang.org.services import audit_record, require_own_county

from ..choices import DutyActivity, Period
from ..models import DutyRule
from ..selectors import duty_compliance_rows, period_bounds


@dataclass
class DutyRuleInput:
    name: str
    role: str
    activity: str
    period: str
    minimum: int
    leader_level: int | None = None
    meeting_kind: str = ""
    remind_days_before_end: int = 2


DUTY_FIELDS = ("name", "role", "leader_level", "activity", "meeting_kind", "period", "minimum",
               "remind_days_before_end")


def _duty_validate(rule: DutyRule) -> None:
    errors = {}
    if rule.role not in Role.values:
        errors["role"] = [_("请选择适用角色。")]
    if rule.activity not in DutyActivity.values:
        errors["activity"] = [_("请选择考核内容。")]
    if rule.period not in Period.values:
        errors["period"] = [_("请选择考核周期。")]
    if rule.meeting_kind and rule.activity != DutyActivity.MEETING:
        errors["meeting_kind"] = [_("只有“参加会议”可以指定会议类型。")]
    if errors:
        raise ValidationFailed(_("提交的数据有误。"), code="invalid", detail=errors)
    full_clean_or_fail(rule)


@transaction.atomic
def duty_rule_create(*, actor: User, county: Region, data: DutyRuleInput) -> DutyRule:
    """A county admin adds a duty rule, in force from today."""
    require_own_county(actor=actor, county=county, permission="visits.add_dutyrule")
    rule = DutyRule(county=county, valid_from=timezone.localdate(), created_by=actor,
                    **{name: getattr(data, name) for name in DUTY_FIELDS})
    rule.name = rule.name.strip()
    _duty_validate(rule)
    rule.save()
    DutyRule.objects.filter(pk=rule.pk).update(lineage=rule.pk)
    rule.lineage = rule.pk
    audit_record(actor=actor, action="duty_rule.create", obj=rule, region=county)
    return rule


@transaction.atomic
def duty_rule_update(*, actor: User, rule: DutyRule, data: DutyRuleInput) -> DutyRule:
    """Change a duty rule: the current version ends yesterday and the new one starts today (a version begun today is
    changed in place), so the periods already past are still judged by the rule that was in force."""
    require_own_county(actor=actor, county=rule.county, permission="visits.change_dutyrule")
    rule = DutyRule.objects.select_for_update().get(pk=rule.pk)
    if rule.valid_until is not None:
        raise Conflict(_("该规则已停用或已有新版本。"), code="rule_retired")
    today = timezone.localdate()
    before = {name: getattr(rule, name) for name in DUTY_FIELDS}
    values = {name: getattr(data, name) for name in DUTY_FIELDS}
    if rule.valid_from >= today:
        target = rule
    else:
        DutyRule.objects.filter(pk=rule.pk).update(valid_until=today - timedelta(days=1))
        target = DutyRule(county=rule.county, lineage=rule.lineage, valid_from=today, created_by=actor)
    for name, value in values.items():
        setattr(target, name, value)
    target.name = target.name.strip()
    _duty_validate(target)
    target.save()
    audit_record(actor=actor, action="duty_rule.update", obj=target, region=rule.county,
                 changes={k: [before[k], values[k]] for k in values if before[k] != values[k]})
    return target


@transaction.atomic
def duty_rule_retire(*, actor: User, rule: DutyRule) -> DutyRule:
    """Stop a duty rule from today on (its history stays)."""
    require_own_county(actor=actor, county=rule.county, permission="visits.change_dutyrule")
    today = timezone.localdate()
    if not DutyRule.objects.filter(pk=rule.pk, valid_until__isnull=True).update(
            valid_until=max(today - timedelta(days=1), rule.valid_from)):
        raise Conflict(_("该规则已停用或已有新版本。"), code="rule_retired")
    rule.refresh_from_db()
    audit_record(actor=actor, action="duty_rule.retire", obj=rule, region=rule.county)
    return rule


def duty_reminders(*, today: date | None = None) -> int:
    """Beat, daily: near the end of each rule's period, remind those still short of it (one notification per person,
    rule and period: safe to run twice)."""

    today = today or timezone.localdate()
    notes = []
    for rule in DutyRule.objects.filter(valid_from__lte=today).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)).select_related("county"):
        start, end = period_bounds(rule.period, today)
        if (end - today).days > rule.remind_days_before_end:
            continue
        for row in duty_compliance_rows(rule=rule, start=start, end=end):
            if row["done"] >= rule.minimum:
                continue
            notes.append(Notification(
                user_id=row["user_id"], kind=NotificationKind.DUTY, key=f"duty:{rule.pk}:{start.isoformat()}",
                data={"rule": rule.name, "done": row["done"], "minimum": rule.minimum, "start": start.isoformat(),
                      "end": end.isoformat()}))
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    return len(notes)
