"""Backlog settings versioned: the county's backlog settings become version 1 of the "backlog" group of the county settings (xinfang.rules), in
force since before records began, and the table they lived in goes."""

import datetime

from django.db import migrations

FIELDS = ("dual_owner_sources", "claim_days", "claim_points")


# The bounds of the new settings (as they were when this migration was written): an old value outside them is
# brought within, so version 1 is a set of values the settings page can save again.
BOUNDS = {"claim_days": (1, 365), "claim_points": (0, 1000)}


def _within(name, value):
    if name not in BOUNDS or not isinstance(value, int):
        return value
    low, high = BOUNDS[name]
    return min(max(value, low), high)


def to_versions(apps, schema_editor):
    Old = apps.get_model("dossiers", "BacklogSettings")
    RulesVersion = apps.get_model("rules", "RulesVersion")
    RulesVersion.objects.bulk_create([
        RulesVersion(county_id=row.county_id, group="backlog", version=1,
                     values={name: _within(name, getattr(row, name)) for name in FIELDS},
                     valid_from=datetime.date(2000, 1, 1),
                     reason="由原规则表迁入（第1版）")
        for row in Old.objects.all()], ignore_conflicts=True)


def back(apps, schema_editor):
    Old = apps.get_model("dossiers", "BacklogSettings")
    RulesVersion = apps.get_model("rules", "RulesVersion")
    for row in RulesVersion.objects.filter(group="backlog").order_by("county_id", "-version"):
        if not Old.objects.filter(county_id=row.county_id).exists():
            Old.objects.create(county_id=row.county_id, **{k: v for k, v in row.values.items() if k in FIELDS})


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0001_initial"),
        ("rules", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_versions, back),
        migrations.DeleteModel(name="BacklogSettings"),
    ]
