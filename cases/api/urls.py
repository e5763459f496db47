from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("petitioners", views.PetitionerViewSet, basename="petitioner")
router.register("extensions", views.ExtensionViewSet, basename="extension")

urlpatterns = [path("handoffs/", views.HandoffView.as_view(), name="handoff"), *router.urls]
