from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("subscribers/", views.subscriber_list, name="subscriber_list"),
    path("subscribers/<int:pk>/", views.subscriber_detail, name="subscriber"),
    path("subscribers/<int:pk>/resume/", views.subscriber_resume, name="subscriber_resume"),
    path("messages/", views.message_list, name="message_list"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
