"""Writes of the scoring app: the points ledger is append-only."""

from cases.models import Case
from xinfang.org.models import User

from .models import PointEntry


def points_award(*, user: User, points: int, rule: str, reason: str, source=None, case: Case | None = None,
                 actor: User | None = None) -> PointEntry:
    """Add one line to the ledger for ``source`` under ``rule``, once: awarding the same source twice under the same
    rule returns the first line. Call inside the transaction of the event that earned it."""
    source_type = source._meta.label_lower if source is not None else ""
    source_id = str(source.pk) if source is not None else ""
    if source is not None:
        earlier = PointEntry.objects.filter(source_type=source_type, source_id=source_id, rule=rule,
                                            corrects__isnull=True).first()
        if earlier is not None:
            return earlier
    return PointEntry.objects.create(user=user, points=points, rule=rule, reason=reason[:300], case=case,
                                     source_type=source_type, source_id=source_id, created_by=actor)
