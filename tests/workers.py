"""A real Celery worker for the tests that kill one mid-task: a subprocess on the test's database, Redis and media
folder, listening on a queue of its own, started, killed with SIGKILL and started again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


class RealWorker:
    def __init__(self, redis_url: str, name: str, **env):
        db = settings.DATABASES["default"]
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xinfang.settings.test",
                    "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or 'localhost'}:"
                                    f"{db['PORT'] or 5432}/{db['NAME']}",
                    "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url, **env}
        self.queue = f"{name}-{os.getpid()}"
        self.redis_url = redis_url
        self.process = None

    def __enter__(self):
        from xinfang.celery import app

        app.conf.broker_url = self.redis_url
        return self.start()

    def __exit__(self, *exc):
        from xinfang.celery import app

        self.kill()
        app.conf.broker_url = settings.CELERY_BROKER_URL

    def start(self) -> "RealWorker":
        self.process = subprocess.Popen(  # noqa: S603 — a real Celery worker, on its own queue
            [sys.executable, "-m", "celery", "-A", "xinfang", "worker", "--pool", "solo", "-Q", self.queue,
             "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def send(self, task: str, *args) -> None:
        from xinfang.celery import app

        app.send_task(task, args=list(args), queue=self.queue)

    def kill(self) -> None:
        """SIGKILL, as a machine that loses power: the task's transaction dies with its connection."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def wait_for(condition, message, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(message)
