"""Periodic work of the scoring app. Thin: each task calls one service; generating a bulletin twice changes nothing."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="scoring.tasks.generate_bulletins")
def generate_bulletins() -> int:
    """Beat, each morning: the daily bulletin, and the weekly, monthly and quarterly rankings when a period ended."""
    return len(services.bulletins_due(today=timezone.localdate()))
