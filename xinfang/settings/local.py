"""A developer's machine and the demo county: DEBUG on unless the environment says otherwise. `make run` (the demo)
says DEBUG=False, so a visitor meets the product's own Chinese 404, 403, 400 and 500 pages, not Django's."""

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Static files straight from the app folders (WhiteNoise's finders), with or without DEBUG: no collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
