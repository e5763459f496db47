"""What the cases app announces to the apps above it, which it does not know.

- ``case_changed(case=…)``: a change to ``case`` was written in the current transaction (every timeline event).
- ``cases_changed(case_ids=…)``: a bulk change touched these cases (a sweep changing cards, a bulk load).

The dashboards' monthly rollups are a cache of these figures and listen to both (dashboards.apps): a cache kept
fresh by the data's own announcements, so no step can forget it. Business consequences of a step (clocks, return
visits, points, dossiers) are never hung on signals; they are written out in the workflow layer.
"""

from django.dispatch import Signal

from .models import Case

case_changed = Signal()
cases_changed = Signal()


def announce_cases_changed(case_ids) -> None:
    """Tell the listeners that these cases changed (a no-op for an empty set)."""
    ids = list(case_ids)
    if ids:
        cases_changed.send(sender=Case, case_ids=ids)
