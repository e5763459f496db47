"""The point rules and the petition-index rules versioned through the county settings (xinfang.rules): each version
of PointScheme and IndicatorScheme becomes the version of the same number of the "points" and "index" groups
(version 1 in force since before records began, each later one from the day it was published), a snapshot keeps
the index rules it was computed with (the version's number and values) instead of a key to the old table, and the
old tables go. Point entries already name their version by number, which stays the same."""

import datetime

from django.db import migrations, models
from django.utils import timezone

SINCE_EVER = datetime.date(2000, 1, 1)
# The events that earn points when this migration was written: an event a version left out earned 0, and says so
# now (the point rules name every event).
EVENTS = ("case_resolved", "late_closure", "backlog_resolved", "return_visit", "reception", "relapse", "red_card")


def _since(row):
    return SINCE_EVER if row.version == 1 else timezone.localtime(row.created_at).date()


def _index_values(row):
    return {"weights": row.weights, "rank_scores": row.rank_scores, "band_mode": row.band_mode, "bands": row.bands,
            "main_categories": sorted(str(pk) for pk in row.main_categories.values_list("pk", flat=True)),
            "no_data_rule": row.no_data_rule}


def to_versions(apps, schema_editor):
    RulesVersion = apps.get_model("rules", "RulesVersion")
    PointScheme = apps.get_model("scoring", "PointScheme")
    IndicatorScheme = apps.get_model("scoring", "IndicatorScheme")
    Snapshot = apps.get_model("scoring", "RankingSnapshot")
    rows = [RulesVersion(county_id=r.county_id, group="points", version=r.version, valid_from=_since(r),
                         values={"points": {e: r.points.get(e, 0) for e in EVENTS}, "category_factors": r.category_factors,
                                 "difficulty_factors": r.difficulty_factors, "source_factors": r.source_factors},
                         reason="由原积分规则迁入（第%s版）" % r.version, created_by_id=r.created_by_id)
            for r in PointScheme.objects.order_by("county_id", "version")]
    values = {}
    for r in IndicatorScheme.objects.order_by("county_id", "version").prefetch_related("main_categories"):
        values[r.pk] = _index_values(r)
        rows.append(RulesVersion(county_id=r.county_id, group="index", version=r.version, valid_from=_since(r),
                                 values=values[r.pk], reason="由原信访指数规则迁入（第%s版）" % r.version,
                                 created_by_id=r.created_by_id))
    RulesVersion.objects.bulk_create(rows, ignore_conflicts=True)
    for shot in Snapshot.objects.select_related("scheme"):
        shot.scheme_version, shot.scheme_values = shot.scheme.version, values[shot.scheme_id]
        shot.save(update_fields=["scheme_version", "scheme_values"])


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0006_no_data_and_ties"),
        ("rules", "0002_withdraw_pending"),
    ]

    operations = [
        migrations.AddField(model_name="rankingsnapshot", name="scheme_version",
                            field=models.PositiveIntegerField(default=0, verbose_name="指数规则版本")),
        migrations.AddField(model_name="rankingsnapshot", name="scheme_values",
                            field=models.JSONField(default=dict, verbose_name="指数规则")),
        migrations.RunPython(to_versions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="rankingsnapshot", name="scheme"),
        migrations.DeleteModel(name="IndicatorScheme"),
        migrations.DeleteModel(name="PointScheme"),
    ]
