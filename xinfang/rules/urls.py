from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:key>/", views.group_page, name="group"),
    path("<slug:key>/versions/<int:version>/rollback/", views.rollback, name="rollback"),
    path("<slug:key>/versions/<int:version>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:key>/remove/<path:path>/", views.record_remove, name="record_remove"),
    path("<slug:key>/records/<path:path>/", views.record_page, name="record"),
]
