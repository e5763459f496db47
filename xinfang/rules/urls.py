from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:key>/", views.group_page, name="group"),
    path("<slug:key>/versions/<int:version>/rollback/", views.rollback, name="rollback"),
    path("<slug:key>/versions/<int:version>/withdraw/", views.withdraw, name="withdraw"),
]
