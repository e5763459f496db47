"""Writes of the scoring app: the points ledger is append-only."""

from django.db import IntegrityError, transaction

from cases.models import Case
from xinfang.org.models import User

from .models import PointEntry


def points_award(*, user: User, points: int, rule: str, reason: str, source=None, case: Case | None = None,
                 actor: User | None = None) -> PointEntry:
    """Add one line to the ledger for ``source`` under ``rule``, once: awarding the same source twice under the same
    rule returns the first line. Call inside the transaction of the event that earned it."""
    source_type = source._meta.label_lower if source is not None else ""
    source_id = str(source.pk) if source is not None else ""
    earlier = PointEntry.objects.filter(source_type=source_type, source_id=source_id, rule=rule,
                                        corrects__isnull=True)
    if source is not None and earlier.exists():
        return earlier.first()
    try:
        with transaction.atomic():
            return PointEntry.objects.create(user=user, points=points, rule=rule, reason=reason[:300], case=case,
                                             source_type=source_type, source_id=source_id, created_by=actor)
    except IntegrityError:  # a concurrent award of the same source: the database kept the first
        return earlier.get()
