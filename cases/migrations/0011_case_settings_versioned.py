"""Case settings versioned: the county's case workflow settings become version 1 of the "cases" group of the county settings (xinfang.rules), in
force since before records began, and the table they lived in goes."""

import datetime

from django.db import migrations

FIELDS = ("return_window_days", "extension_max_days", "max_extensions")


# The bounds of the new settings (as they were when this migration was written): an old value outside them is
# brought within, so version 1 is a set of values the settings page can save again.
BOUNDS = {"return_window_days": (1, 30), "extension_max_days": (1, 90), "max_extensions": (0, 5)}


def _within(name, value):
    if name not in BOUNDS or not isinstance(value, int):
        return value
    low, high = BOUNDS[name]
    return min(max(value, low), high)


def to_versions(apps, schema_editor):
    Old = apps.get_model("cases", "CaseSettings")
    RulesVersion = apps.get_model("rules", "RulesVersion")
    RulesVersion.objects.bulk_create([
        RulesVersion(county_id=row.county_id, group="cases", version=1,
                     values={name: _within(name, getattr(row, name)) for name in FIELDS},
                     valid_from=datetime.date(2000, 1, 1),
                     reason="由原规则表迁入（第1版）")
        for row in Old.objects.all()], ignore_conflicts=True)


def back(apps, schema_editor):
    Old = apps.get_model("cases", "CaseSettings")
    RulesVersion = apps.get_model("rules", "RulesVersion")
    for row in RulesVersion.objects.filter(group="cases").order_by("county_id", "-version"):
        if not Old.objects.filter(county_id=row.county_id).exists():
            Old.objects.create(county_id=row.county_id, **{k: v for k, v in row.values.items() if k in FIELDS})


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0010_scope_index_by_county"),
        ("rules", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_versions, back),
        # Who counts as a collective petition is the county's setting now (collective_head_count), not a constant.
        migrations.RemoveConstraint(model_name="case", name="cases_case_collective_is_five_or_more"),
        migrations.DeleteModel(name="CaseSettings"),
    ]
