from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("reception-schedules", views.ScheduleViewSet, basename="reception-schedule")
router.register("reception-slots", views.SlotViewSet, basename="reception-slot")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("receptions", views.ReceptionViewSet, basename="reception")
router.register("field-visits", views.FieldVisitViewSet, basename="field-visit")
router.register("return-visits", views.ReturnVisitViewSet, basename="return-visit")
router.register("meetings", views.MeetingViewSet, basename="meeting")

urlpatterns = [
    path("duty-compliance/", views.DutyComplianceView.as_view(), name="duty-compliance"),
    path("visit-stats/", views.VisitStatsView.as_view(), name="visit-stats"),
    *router.urls,
]
