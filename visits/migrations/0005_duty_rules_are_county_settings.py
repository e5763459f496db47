"""The duty rules (工作制度) versioned through the county settings (xinfang.rules, group "duty"): the rules in force on
each day a county's rules changed become one version of the whole list, from that day, each rule keeping its
number (its lineage). The compliance and statistics permissions, declared on DutyRule, move to FieldVisit (the same
names, so the roles keep them); then the old table goes."""

import datetime

from django.db import migrations

FIELDS = ("name", "role", "activity", "meeting_kind", "period", "minimum", "remind_days_before_end")


def _record(rule):
    return {"key": rule.lineage or rule.pk, **{f: getattr(rule, f) for f in FIELDS},
            "leader_level": str(rule.leader_level) if rule.leader_level else None}


def to_versions(apps, schema_editor):
    DutyRule = apps.get_model("visits", "DutyRule")
    RulesVersion = apps.get_model("rules", "RulesVersion")
    by_county = {}
    for rule in DutyRule.objects.order_by("county_id", "lineage", "valid_from", "pk"):
        by_county.setdefault(rule.county_id, []).append(rule)
    rows = []
    for county_id, rules in by_county.items():
        days = sorted({r.valid_from for r in rules} | {r.valid_until + datetime.timedelta(days=1) for r in rules
                                                        if r.valid_until is not None})
        previous, number = None, 0
        for day in days:
            in_force = [r for r in rules if r.valid_from <= day and (r.valid_until is None or r.valid_until >= day)]
            records = [_record(r) for r in in_force]
            if records == previous:
                continue
            starting = next((r for r in in_force if r.valid_from == day), None)
            number += 1
            rows.append(RulesVersion(county_id=county_id, group="duty", version=number, valid_from=day,
                                     values={"rules": records}, reason="由原工作制度迁入",
                                     created_by_id=starting.created_by_id if starting else None))
            previous = records
    RulesVersion.objects.bulk_create(rows)


def move_permissions(apps, schema_editor):
    """view_compliance and view_visit_stats belong to FieldVisit from now on: the same rows, so every group that
    holds them keeps them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    duty = ContentType.objects.filter(app_label="visits", model="dutyrule").first()
    if duty is None:  # a new database: the permissions are created after migrating, on FieldVisit
        return
    field_visit, _created = ContentType.objects.get_or_create(app_label="visits", model="fieldvisit")
    Permission.objects.filter(content_type=duty, codename__in=["view_compliance", "view_visit_stats"]).update(
        content_type=field_visit)


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0004_visit_settings_versioned"),
        ("rules", "0002_withdraw_pending"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(to_versions, migrations.RunPython.noop),
        migrations.RunPython(move_permissions, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="fieldvisit",
            options={"ordering": ["-visited_at", "-id"], "permissions": [
                ("record_field_visit", "可登记下访走访"), ("view_compliance", "可查看工作制度落实情况"),
                ("view_visit_stats", "可查看接访走访统计")], "verbose_name": "下访走访", "verbose_name_plural": "下访走访"},
        ),
        migrations.DeleteModel(name="DutyRule"),
    ]
