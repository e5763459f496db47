"""The Celery app, configured from Django settings (namespace CELERY). The beat schedule lives in
settings.CELERY_BEAT_SCHEDULE, nowhere else. Tasks are thin: they take ids, load rows and call services."""

import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings.local")

app = Celery("xinfang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(name: str, *args) -> None:
    """Run the task ``name`` (for example "deadlines.tasks.recompute_due_dates") in the background once the
    current transaction commits, with ids for arguments.

    Services and workflow steps sit below the apps' ``tasks`` modules, which call them, so they name a task rather
    than import it (docs/architecture.md). A web process has not imported every ``tasks`` module; the first
    ``enqueue`` of a task it does not know runs Celery's autodiscovery, so the task is sent as itself: to the
    broker, or run in-process when ``task_always_eager`` is on (the tests, the embedded demo)."""

    def send() -> None:
        if name not in app.tasks:
            app.loader.import_default_modules()
        app.tasks[name].delay(*args)

    transaction.on_commit(send)
