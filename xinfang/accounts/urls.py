from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("password/", views.password_change, name="password"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/recovery/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/sms/", views.sms_enrol, name="sms"),
    path("verify/", views.verify, name="verify"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("users/<int:pk>/reset-two-factor/", views.reset_two_factor, name="reset_two_factor"),
    # The security administrator's rules are a group of the county settings (xinfang/accounts/rules.py).
    path("rules/", RedirectView.as_view(url="/settings/security/"), name="security_rules"),
]
