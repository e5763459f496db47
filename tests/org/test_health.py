"""/healthz: what a load balancer and an operator read."""

import pytest
from django.utils import timezone

from xinfang.org.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_database_broker_and_beat_are_alive(client, settings, redis_url):
    from xinfang.celery import app

    app.conf.broker_url = redis_url
    heartbeat_record(name="beat")

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"] and body["checks"]["beat"]["ok"]


def test_healthz_is_503_when_beat_has_not_ticked_for_too_long(client):
    heartbeat_record(name="beat", at=timezone.now() - timezone.timedelta(minutes=10))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["ok"] is False
    assert response.json()["checks"]["beat"]["age_seconds"] >= 600


def test_healthz_is_503_when_beat_never_ticked(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == {"ok": False, "last_tick": None}


def test_healthz_is_503_when_the_broker_is_down(client):
    from xinfang.celery import app

    heartbeat_record(name="beat")
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True
