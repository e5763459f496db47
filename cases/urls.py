from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_work, name="mine"),
    path("filters/", views.saved_filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views.saved_filter_delete, name="filter_delete"),
    path("new/", views.case_intake, name="intake"),
    path("new/lookup/", views.intake_lookup, name="intake_lookup"),
    path("export.xlsx", views.case_export, name="export"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="act"),
    path("<int:pk>/print/", views.case_print, name="print"),
    path("<int:pk>/next/", views.case_neighbour, {"direction": "next"}, name="next"),
    path("<int:pk>/previous/", views.case_neighbour, {"direction": "previous"}, name="previous"),
    path("<int:pk>/upload/", views.case_upload, name="upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("petitioners/<int:pk>/", views.petitioner_detail, name="petitioner"),
    path("petitioners/<int:pk>/reveal/", views.petitioner_reveal, name="reveal"),
    path("rules/", views.county_rules, name="county_rules"),
    path("rules/categories/", views.category_add, name="category_add"),
    path("rules/categories/<int:pk>/toggle/", views.category_toggle, name="category_toggle"),
]
