"""Periodic work of the dossiers app. Thin: each task calls one service; all are idempotent."""

from celery import shared_task

from . import services


@shared_task(name="dossiers.tasks.promote_backlog")
def promote_backlog() -> int:
    """Beat, nightly: cases still unsatisfied months after the first 不满意 become backlog cases (信访积案)."""
    return services.backlog_promote()
