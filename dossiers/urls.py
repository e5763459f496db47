"""Pages of the dossiers app, under /dossiers/ (views in dossiers/views.py)."""

from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.board, name="board"),
    path("mine/", views.mine, name="mine"),
    path("batch/", views.batch, name="batch"),
    path("designate/<int:case_pk>/", views.designate, name="designate"),
    path("from-above/<int:case_pk>/", views.from_above, name="from_above"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.print_file, name="print"),
    path("<int:pk>/file.pdf", views.pdf_file, name="pdf"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("measures/<int:pk>/done/", views.measure_done, name="measure_done"),
    path("escalations/<int:pk>/record/", views.escalation_record, name="escalation_record"),
    path("listings/", views.listings, name="listings"),
    path("listings/<int:pk>/claim/", views.claim, name="claim"),
    path("listings/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    path("cadres/<int:pk>/", views.cadre, name="cadre"),
    # The backlog settings are a group of the county settings (xinfang.rules): the old address leads there.
    path("settings/", RedirectView.as_view(url=reverse_lazy("rules:group", args=["backlog"])), name="settings"),
]
