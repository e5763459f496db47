"""The exchange's Celery tasks: thin, they call the services."""

from celery import shared_task

from . import services


@shared_task(name="xinfang.exchange.tasks.deliver_events")
def deliver_events() -> int:
    """Deliver the events that are due (woken after each change that wrote one, and every half minute by beat for
    the retries; a second worker running it at once takes other rows)."""
    return services.deliveries_run()
