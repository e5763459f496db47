"""Celery tasks of the dashboards: thin wrappers of the services, safe to run twice or at once."""

from celery import shared_task

from . import services


@shared_task(name="dashboards.tasks.refresh_rollups")
def refresh_rollups() -> int:
    """Every minute: recompute the buckets marked stale by case changes."""
    return services.rollups_refresh_stale()


@shared_task(name="dashboards.tasks.mark_open_rollups")
def mark_open_rollups() -> int:
    """Every night: buckets with open cases are recomputed (deadlines passed overnight), by the next refresh."""
    marked = services.rollups_mark_open()
    services.rollups_refresh_stale(limit=100_000)
    return marked
