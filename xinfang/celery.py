"""The Celery app, configured from Django settings (namespace CELERY). The beat schedule lives in
settings.CELERY_BEAT_SCHEDULE, nowhere else. Tasks are thin: they take ids, load rows and call services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings.local")

app = Celery("xinfang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
