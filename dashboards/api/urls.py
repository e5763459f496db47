"""/api/v1/ routes of the dashboards (included in xinfang/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/kpis/", views.DashboardKpisView.as_view(), name="dashboard-kpis"),
]
