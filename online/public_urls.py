"""/public/<county code>/: the petitioner's pages (no login)."""

from django.urls import path

from . import public_views as views

app_name = "public"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("submit/", views.submit, name="submit"),
    path("submitted/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:action>/", views.mine_action, name="mine_action"),
    path("mine/documents/<str:kind>/", views.document, name="document"),
]
