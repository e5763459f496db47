from django.urls import path

from . import views

urlpatterns = [
    path("rules/", views.RulesListView.as_view(), name="rules-list"),
    path("rules/<slug:key>/", views.RulesGroupView.as_view(), name="rules-group"),
    path("rules/<slug:key>/versions/", views.RulesVersionListView.as_view(), name="rules-versions"),
    path("rules/<slug:key>/diff/", views.RulesDiffView.as_view(), name="rules-diff"),
    path("rules/<slug:key>/versions/<int:version>/rollback/", views.RulesRollbackView.as_view(),
         name="rules-rollback"),
    path("rules/<slug:key>/versions/<int:version>/withdraw/", views.RulesWithdrawView.as_view(),
         name="rules-withdraw"),
]
