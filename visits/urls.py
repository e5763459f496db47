"""Pages of the visits app, under /visits/. Schedules, slots, appointments and receptions are in views/schedule.py;
field visits, return visits, meetings, duty rules and statistics in views/field.py. The two public pages
(the county's reception schedule and the petitioner's answer link) are mounted in xinfang/urls.py without login."""

from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from .views import field, schedule

app_name = "visits"

urlpatterns = [
    # Schedules, slots, appointments, receptions (views/schedule.py)
    path("", schedule.schedule, name="schedule"),
    path("rules/", schedule.schedule_rules, name="schedule_rules"),
    path("rules/<int:pk>/deactivate/", schedule.schedule_deactivate, name="schedule_deactivate"),
    path("slots/new/", schedule.slot_new, name="slot_new"),
    path("slots/<int:pk>/", schedule.slot_detail, name="slot_detail"),
    path("slots/<int:pk>/book/", schedule.slot_book, name="slot_book"),
    path("slots/<int:pk>/cancel/", schedule.slot_cancel, name="slot_cancel"),
    path("appointments/<int:pk>/cancel/", schedule.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:pk>/no-show/", schedule.appointment_no_show, name="appointment_no_show"),
    path("campaigns/new/", schedule.campaign_new, name="campaign_new"),
    path("receptions/", schedule.reception_list, name="reception_list"),
    path("receptions/new/", schedule.reception_new, name="reception_new"),
    path("receptions/<int:pk>/", schedule.reception_detail, name="reception_detail"),
    path("calendar/", schedule.my_calendar, name="my_calendar"),
    path("ics/<str:token>.ics", schedule.ics_feed, name="ics_feed"),
    # Field visits, return visits, meetings, duty rules, statistics (views/field.py)
    path("field/", field.field_list, name="field_list"),
    path("field/new/", field.field_new, name="field_new"),
    path("field/<int:pk>/", field.field_detail, name="field_detail"),
    path("return-visits/", field.return_visit_list, name="return_visit_list"),
    path("return-visits/<int:pk>/record/", field.return_visit_record, name="return_visit_record"),
    path("return-visits/<int:pk>/assign/", field.return_visit_assign, name="return_visit_assign"),
    path("return-visits/<int:pk>/link/", field.return_visit_link, name="return_visit_link"),
    path("cases/<int:case_pk>/reply-letter/", field.reply_letter, name="reply_letter"),
    path("meetings/", field.meeting_list, name="meeting_list"),
    path("meetings/new/", field.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", field.meeting_detail, name="meeting_detail"),
    # The duty rules are county settings now (/settings/duty/); the old addresses lead there.
    path("duty/", RedirectView.as_view(url=reverse_lazy("rules:group", kwargs={"key": "duty"})), name="duty_rules"),
    path("duty/<int:pk>/edit/", RedirectView.as_view(url=reverse_lazy("rules:group", kwargs={"key": "duty"}))),
    path("duty/compliance/", field.compliance, name="compliance"),
    path("stats/", field.stats, name="stats"),
    # The visits' settings are a group of the county settings (xinfang.rules): the old address leads there.
    path("settings/", RedirectView.as_view(url=reverse_lazy("rules:group", args=["visits"])), name="visit_settings"),
]
