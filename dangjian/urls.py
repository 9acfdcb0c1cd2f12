"""Root URLs: each app mounts its own; API under /api/ with the OpenAPI schema and docs."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from dangjian.api_router import router

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("accounts/users/", include("dangjian.accounts.urls")),
    path("ledger/", include("dangjian.ledger.urls")),
    path("notices/", include("dangjian.notices.urls")),
    path("talks/", include("dangjian.talks.urls")),
    path("jobs/", include("dangjian.core.job_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/token/", obtain_auth_token, name="api_token"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
]
