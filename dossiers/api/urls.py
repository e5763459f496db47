"""/api/v1/ routes of the dossiers app (included in xinfang/urls.py)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("escalations", views.EscalationViewSet, basename="escalation")
router.register("listings", views.ListingViewSet, basename="listing")
router.register("claims", views.ClaimViewSet, basename="claim")

urlpatterns = [
    path("cadres/<int:user_id>/record/", views.CadreRecordView.as_view(), name="cadre-record"),
    *router.urls,
]
