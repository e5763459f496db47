"""URL patterns of the county admin's configuration pages: rule sets, milestones and the calendar
(deadlines/config_views.py). Included by deadlines/urls.py."""

urlpatterns = []
