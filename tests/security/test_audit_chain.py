"""The audit trail is append-only in the database and tamper-evident: a changed row, even by someone at the database
with the rights to drop the guard, is found by audit_verify, which names it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from xinfang.org.models import AuditEvent
from xinfang.org.services import audit_record, audit_verify
from xinfang.rules.services import rules_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(county_admin, county):
    """Three audited steps: a county admin changes a setting twice and rolls it back."""
    for hours in (3, 2):
        rules_save(actor=county_admin, county=county.region, key="cases", values={"return_window_days": hours},
                   reason="试行")
    audit_record(actor=county_admin, action="region.viewed", obj=county.region, changes={"why": "检查"},
                 ip_address="10.1.2.3")


def test_every_audit_row_is_chained_to_the_one_before(case):
    rows = list(AuditEvent.objects.order_by("id"))

    assert len(rows) >= 2 and all(len(r.hash) == 64 for r in rows)
    assert rows[1].hash == rows[1].chained_hash(rows[0].hash)
    assert audit_verify() is None
    call_command("audit_verify")


def test_the_database_refuses_to_change_or_delete_an_audit_row(case):
    event = AuditEvent.objects.order_by("id").first()

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is passed the PostgreSQL way")
def test_a_row_changed_behind_the_guard_is_named_by_the_check(case):
    first, second, *_ = AuditEvent.objects.order_by("id")
    with connection.cursor() as cursor:  # someone with the rights to drop the guard, at the database
        cursor.execute("SET session_replication_role = replica")  # a superuser's way past every trigger
        cursor.execute("UPDATE org_auditevent SET object_repr = 'something else' WHERE id = %s", [second.pk])
        cursor.execute("SET session_replication_role = DEFAULT")

    assert audit_verify().pk == second.pk
    with pytest.raises(CommandError, match=f"row {second.pk}"):
        call_command("audit_verify")
