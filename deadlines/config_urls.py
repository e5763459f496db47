"""URL patterns of the county admin's configuration pages: rule sets, milestones and the calendar
(deadlines/config_views.py). Included by deadlines/urls.py."""

from django.urls import path

from . import config_views as views

urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_set_new, name="rule_set_new"),
    path("rules/<int:pk>/edit/", views.rule_set_edit, name="rule_set_edit"),
    path("rules/<int:pk>/add-milestone/", views.milestone_edit, name="milestone_new"),
    path("rules/<int:pk>/milestones/<slug:code>/", views.milestone_edit, name="milestone_edit"),
    path("rules/<int:pk>/milestones/<slug:code>/toggle/", views.milestone_toggle, name="milestone_toggle"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/days/", views.calendar_day_add, name="calendar_day_add"),
    path("calendar/days/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
    path("calendar/years/", views.calendar_year_confirm, name="calendar_year_confirm"),
]
