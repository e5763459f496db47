"""Trigram indexes for the case list's text search (summary and demands ILIKE '%词%').

PostgreSQL only: pg_trgm splits Chinese text into (hashed) character trigrams, so a search of three or more
characters uses the index. SQLite (the embedded demo) has no such index and scans, which is fine at demo size.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cases_case_summary_trgm ON cases_case USING gin (summary gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_demands_trgm ON cases_case USING gin (demands gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cases_case_summary_trgm",
    "DROP INDEX IF EXISTS cases_case_demands_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
