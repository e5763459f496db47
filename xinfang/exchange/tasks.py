"""The exchange's Celery tasks: thin, they call the services."""

from celery import shared_task

from workflow import ledger

from . import services


@shared_task(name="xinfang.exchange.tasks.deliver_events")
def deliver_events() -> int:
    """Deliver the events that are due (woken after each change that wrote one, and every half minute by beat for
    the retries; a second worker running it at once takes other rows)."""
    return services.deliveries_run()


# A ledger of 200,000 rows takes minutes, more than the default limit of a task; one run is one transaction.
@shared_task(name="xinfang.exchange.tasks.ledger_check", time_limit=3600, soft_time_limit=3540)
def ledger_check(pk: int) -> None:
    """The dry run of an uploaded ledger: its figures and error sheet."""
    ledger.ledger_check_run(pk)


@shared_task(name="xinfang.exchange.tasks.ledger_import", time_limit=3600, soft_time_limit=3540)
def ledger_import(pk: int) -> None:
    """The import of a checked ledger's valid rows, all or nothing."""
    ledger.ledger_import_run(pk)
