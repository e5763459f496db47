"""/online/: the caseworker's queue of online petitions."""

from django.urls import path

from . import views

app_name = "online"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/answer/", views.answer, name="answer"),
]
