"""Pages of the unit rankings, under /scoring/ (views in scoring/views.py)."""

from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("", views.rankings, name="rankings"),
    path("generate/", views.generate, name="generate"),
    path("map/", views.ranking_map, name="map"),
    path("map/geojson/", views.geojson_upload, name="geojson_upload"),
    path("cadres/", views.cadres, name="cadres"),
    path("scheme/", views.scheme, name="scheme"),
    path("points/", views.point_rules, name="point_rules"),
    path("entries/<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/", views.snapshot, name="snapshot"),
    path("<int:pk>/export.xlsx", views.snapshot_xlsx, name="snapshot_xlsx"),
    path("<int:pk>/units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
]
