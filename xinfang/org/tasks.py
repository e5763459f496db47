"""Celery tasks of the organisation app: thin, idempotent, calling services."""

from celery import shared_task

from .services import heartbeat_record


@shared_task(name="xinfang.org.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Scheduled by beat every BEAT_HEARTBEAT_SECONDS; /healthz reads the tick. Running it twice is harmless."""
    heartbeat_record(name="beat")
