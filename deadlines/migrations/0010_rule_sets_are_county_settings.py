"""The deadline rules versioned through the county settings (xinfang.rules, group "deadlines"): a county's current
rule sets, with their milestones, become version 1 of its list of rule sets (in force since before records began),
each keeping its lineage as its key. Their rows stay what the county's cases run under, now found by the record's
fingerprint (``digest``); an older version's rows stay for the cases still under them and are never found again."""

import datetime

import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models

SINCE_EVER = datetime.date(2000, 1, 1)
MILESTONE_FIELDS = ("code", "name", "start_event", "end_event", "days", "day_kind", "applies_to", "party",
                    "extendable", "restart_on_reassign", "warn_days", "warn_percent", "second_red", "is_active",
                    "sort_order")


def _record(rule_set):
    return {"key": rule_set.lineage, "name": rule_set.name, "priority": rule_set.priority,
            "channels": sorted(set(rule_set.channels)), "upper_sources": sorted(set(rule_set.upper_sources)),
            "categories": sorted({str(c.pk) for c in rule_set.categories.all()}),
            "escalate_after_days": rule_set.escalate_after_days,
            "milestones": [{f: getattr(m, f) for f in MILESTONE_FIELDS}
                           for m in sorted(rule_set.milestones.all(), key=lambda m: (m.sort_order, m.pk))]}


def to_versions(apps, schema_editor):
    from deadlines.rules import record_digest  # the fingerprint the service looks rows up by

    RuleSet = apps.get_model("deadlines", "RuleSet")
    RulesVersion = apps.get_model("rules", "RulesVersion")
    by_county = {}
    for rule_set in RuleSet.objects.order_by("county_id", "priority", "lineage").prefetch_related(
            "categories", "milestones"):
        if rule_set.is_current:
            record = _record(rule_set)
            rule_set.digest = record_digest(record)
            by_county.setdefault(rule_set.county_id, []).append(record)
        else:
            rule_set.digest = f"retired:{rule_set.pk}"
        rule_set.save(update_fields=["digest"])
    RulesVersion.objects.bulk_create([
        RulesVersion(county_id=county_id, group="deadlines", version=1, valid_from=SINCE_EVER,
                     values={"rule_sets": records}, reason="由原时限规则迁入")
        for county_id, records in by_county.items()])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0011_case_settings_versioned"),
        ("deadlines", "0009_measure_party"),
        ("org", "0002_unit_leader"),
        ("rules", "0002_withdraw_pending"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ruleset", name="digest",
            field=models.CharField(default="", max_length=64, verbose_name="内容指纹"), preserve_default=False),
        migrations.RunPython(to_versions, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="ruleset", name="deadlines_ruleset_one_current"),
        migrations.RemoveField(model_name="ruleset", name="is_current"),
        migrations.AlterField(
            model_name="ruleset", name="created_at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name="编制时间")),
        migrations.AlterField(
            model_name="ruleset", name="escalate_after_days",
            field=models.PositiveSmallIntegerField(default=3, verbose_name="红牌升级（工作日）")),
        migrations.AlterField(
            model_name="ruleset", name="priority",
            field=models.PositiveSmallIntegerField(default=100, verbose_name="优先级")),
        migrations.AddConstraint(
            model_name="ruleset",
            constraint=models.UniqueConstraint(fields=("county", "lineage", "digest"), name="deadlines_ruleset_digest")),
    ]
