"""/api/v1/ routes of the unit rankings (included in xinfang/urls.py)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("ranking-snapshots", views.RankingSnapshotViewSet, basename="ranking-snapshot")

urlpatterns = [
    path("cadre-ranking/", views.CadreRankingView.as_view(), name="cadre-ranking"),
    *router.urls,
]
