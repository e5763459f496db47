"""The audit trail made tamper-evident and append-only: each row gets its hash, chained to the row before it (the rows
already there chained in the order they were written), and the database refuses to change a row — and, on
PostgreSQL, to delete one. (SQLite, the demo's database, refuses changes only: the test runner empties its tables
with DELETE.)"""

from django.db import migrations, models

PG_TRIGGER = """
CREATE OR REPLACE FUNCTION org_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail (org_auditevent) is append-only: rows are never changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER org_auditevent_append_only BEFORE UPDATE OR DELETE ON org_auditevent
    FOR EACH ROW EXECUTE FUNCTION org_auditevent_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS org_auditevent_append_only ON org_auditevent;
DROP FUNCTION IF EXISTS org_auditevent_append_only();
"""
SQLITE_TRIGGER = """
CREATE TRIGGER org_auditevent_append_only BEFORE UPDATE ON org_auditevent
BEGIN SELECT RAISE(ABORT, 'the audit trail (org_auditevent) is append-only'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS org_auditevent_append_only;"


def chain(apps, schema_editor):
    from xinfang.org.models import audit_hash  # the same hash the service computes

    AuditEvent = apps.get_model("org", "AuditEvent")
    previous = ""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        event.hash = audit_hash(event, previous)
        AuditEvent.objects.filter(pk=event.pk).update(hash=event.hash)
        previous = event.hash


def append_only(apps, schema_editor):
    schema_editor.execute(PG_TRIGGER if schema_editor.connection.vendor == "postgresql" else SQLITE_TRIGGER)


def not_append_only(apps, schema_editor):
    schema_editor.execute(PG_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0002_unit_leader"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent", name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="校验值"),
        ),
        migrations.RunPython(chain, migrations.RunPython.noop),
        migrations.RunPython(append_only, not_append_only),
    ]
