from django.urls import path
from rest_framework.routers import DefaultRouter

from xinfang.workdays.api import views as workdays

from . import views

router = DefaultRouter()
router.register("cards", views.CardViewSet, basename="card")
router.register("rule-sets", views.RuleSetViewSet, basename="rule-set")
router.register("suspensions", views.SuspensionViewSet, basename="suspension")
router.register("supervisions", views.SupervisionViewSet, basename="supervision")
router.register("notifications", views.NotificationViewSet, basename="notification")
# The working-day calendar has no API include of its own: it sits under the deadlines that follow it.
router.register("calendar-days", workdays.CalendarDayViewSet, basename="calendar-day")
router.register("calendar-years", workdays.CalendarYearViewSet, basename="calendar-year")

urlpatterns = [path("overdue-board/", views.OverdueBoardView.as_view(), name="overdue-board"), *router.urls]
