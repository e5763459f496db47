from django.urls import path

from . import api

urlpatterns = [
    path("public/<str:code>/challenge/", api.ChallengeView.as_view(), name="public-challenge"),
    path("public/<str:code>/codes/", api.CodeView.as_view(), name="public-code"),
    path("public/<str:code>/submissions/", api.SubmissionView.as_view(), name="public-submission"),
    path("public/<str:code>/lookup/", api.LookupView.as_view(), name="public-lookup"),
    path("public/<str:code>/lookup/codes/", api.TrackCodeView.as_view(), name="public-lookup-code"),
    path("public/<str:code>/mine/", api.MineView.as_view(), name="public-mine"),
    path("public/<str:code>/mine/rate/", api.MineRateView.as_view(), name="public-rate"),
    path("public/<str:code>/mine/withdraw/", api.MineWithdrawView.as_view(), name="public-withdraw"),
    path("public/<str:code>/mine/review/", api.MineReviewView.as_view(), name="public-review"),
    path("public/<str:code>/mine/materials/", api.MineMaterialView.as_view(), name="public-materials"),
    path("public/<str:code>/mine/documents/<str:kind>/", api.MineDocumentView.as_view(), name="public-document"),
]
