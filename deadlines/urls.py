"""Pages of the deadlines app (views.py) and the county admin's configuration pages (config_views.py)."""

from django.urls import path  # noqa: F401 — used as pages are added

from . import config_urls

app_name = "deadlines"

urlpatterns = [
    # Pages for everyone who works cases: the overdue board, red/yellow lists, notifications, suspensions,
    # supervision documents (deadlines/views.py).
] + config_urls.urlpatterns
