from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("units", views.UnitViewSet, basename="unit")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [path("me/", views.me, name="me"), *router.urls]
