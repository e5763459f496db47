"""The test suite. Runs on whatever DATABASE_URL / REDIS_URL say; CI points them at PostgreSQL and Redis."""

import os

from .base import *  # noqa: F403
from .base import CACHES, STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Serve static files from the app folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SMS_BACKEND = "xinfang.sms.MemoryBackend"
WEBHOOK_ALLOW_LOOPBACK = True  # the tests' receivers listen on 127.0.0.1
# Each pytest-xdist process has its own database, so its own cache keys too (a row's pk is only unique in one);
# a worker a test starts inherits the variable and shares them.
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": os.environ.get("PYTEST_XDIST_WORKER", "")}}
