"""Periodic and background work of the deadlines app. Thin: each task calls one service; all are idempotent."""

from datetime import date

from celery import shared_task

import workflow

from . import services


@shared_task(name="deadlines.tasks.sweep_cards")
def sweep_cards() -> dict:
    """Beat, every DEADLINE_SWEEP_SECONDS: raise, escalate and clear red and yellow cards."""
    return workflow.sweep()


@shared_task(name="deadlines.tasks.email_notifications")
def email_notifications() -> int:
    """Beat: e-mail unmailed notifications (in working hours only)."""
    return services.notifications_email()


@shared_task(name="deadlines.tasks.daily_digest")
def daily_digest() -> int:
    """Beat, each morning: every unit's digest of its current cards."""
    return services.unit_digest()


@shared_task(name="deadlines.tasks.recompute_due_dates")
def recompute_due_dates(county_id: int, from_day: str) -> int:
    """After a change to the county's calendar: move the running clocks that depend on it."""
    return services.deadlines_recompute(county_id=county_id, from_day=date.fromisoformat(from_day))
