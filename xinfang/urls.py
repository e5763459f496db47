from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny, IsAuthenticated

from visits.views import field as visit_field_views
from visits.views import schedule as visit_schedule_views
from xinfang.org import views as org_views

# The schema and its Swagger page are open in development and the demo, for signed-in people and API clients in
# production (API_DOCS_PUBLIC). Swagger UI runs an inline script drf-spectacular writes: its page's policy allows it.
_DOCS = [AllowAny] if settings.API_DOCS_PUBLIC else [IsAuthenticated]
_swagger = csp_update({"script-src": ["'unsafe-inline'"]})(
    SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=_DOCS))

api_v1 = [
    path("", include("xinfang.org.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("deadlines.api.urls")),
    path("", include("visits.api.urls")),
    path("", include("dossiers.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("dashboards.api.urls")),
    path("", include("xinfang.rules.api.urls")),
    path("", include("online.api_urls")),
]

urlpatterns = [
    path("", org_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("xinfang.accounts.urls")),
    path("exchange/", include("xinfang.exchange.urls")),
    path("org/", include("xinfang.org.urls")),
    path("cases/", include("cases.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("visits/", include("visits.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("scoring/", include("scoring.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("settings/", include("xinfang.rules.urls")),
    # Public pages, no login: a county's reception schedule, and the petitioner's one-time answer link.
    path("public/schedule/<str:code>/", visit_schedule_views.public_schedule, name="public_schedule"),
    path("public/<str:code>/", include("online.public_urls")),
    path("online/", include("online.urls")),
    path("r/<str:token>/", visit_field_views.answer, name="answer"),
    path("healthz", org_views.healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=_DOCS), name="api-schema"),
    path("api/docs/", _swagger, name="api-docs"),
    path("admin/", admin.site.urls),
]
# Media (case attachments) is never served directly: cases.views.attachment_download checks jurisdiction.

handler400 = "xinfang.middleware.bad_request"
