"""Root URLs: each app mounts its own; API under /api/ with the OpenAPI schema and docs."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dangjian.accounts.api import TokenObtainView
from dangjian.api_router import router

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("accounts/users/", include("dangjian.accounts.urls")),
    path("ledger/", include("dangjian.ledger.urls")),
    path("notices/", include("dangjian.notices.urls")),
    path("talks/", include("dangjian.talks.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/token/", TokenObtainView.as_view(), name="api_token"),
    path("api/", include(router.urls)),
    # Schema and docs for signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the docs page
    # sends a browser to the login page, and loads its script from a file, not inline (CSP).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api_docs"
    ),
]
