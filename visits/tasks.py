"""Periodic and background work of the visits app. Thin: each task calls one service; all are idempotent."""

from celery import shared_task

from . import services


@shared_task(name="visits.tasks.extend_schedules")
def extend_schedules() -> int:
    """Beat, nightly: generate the dated slots of recurring reception rules up to the county's horizon."""
    return services.schedules_extend()


@shared_task(name="visits.tasks.remind_duties")
def remind_duties() -> int:
    """Beat, each morning: remind people short of a duty rule near the end of its period."""
    return services.duty_reminders()


@shared_task(name="visits.tasks.send_answer_sms", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_answer_sms(link_id: int, sealed_token: str) -> bool:
    """Send a return visit's answer link by SMS through the configured gateway (retried if it is unreachable)."""
    return services.answer_sms_send(link_id=link_id, sealed_token=sealed_token)
