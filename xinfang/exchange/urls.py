from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("subscribers/", views.subscriber_list, name="subscriber_list"),
    path("subscribers/<int:pk>/", views.subscriber_detail, name="subscriber"),
    path("subscribers/<int:pk>/resume/", views.subscriber_resume, name="subscriber_resume"),
    path("messages/", views.message_list, name="message_list"),
]
