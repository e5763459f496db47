"""Celery: configured from Django settings, JSON only, acks late; a real worker runs the beat heartbeat."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from xinfang.celery import app
from xinfang.org.models import Heartbeat
from xinfang.org.tasks import beat_heartbeat


def test_the_app_is_configured_from_django_settings_for_safe_delivery():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.timezone == "Asia/Shanghai"


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_the_heartbeat_that_beat_schedules(redis_url):
    previous = app.conf.broker_url
    app.conf.broker_url = redis_url
    app.conf.broker_transport_options = {"visibility_timeout": 60}
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            beat_heartbeat.delay()
            for _ in range(100):
                if Heartbeat.objects.filter(name="beat").exists():
                    break
                import time

                time.sleep(0.1)
    finally:
        app.conf.broker_url = previous

    assert Heartbeat.objects.get(name="beat").at is not None
