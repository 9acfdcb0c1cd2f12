"""Root URLs: the shell, every module's pages (from its ModuleConfig), the API, i18n and the admin."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dangjian.accounts.api import TokenObtainView
from dangjian.api_router import router
from dangjian.core import registry


def module_urls() -> list:
    """Each module's ``urls`` mounted at its ``url_prefix``, namespaced by its label."""
    return [
        path(config.url_prefix, include((f"{config.name}.urls", config.label), namespace=config.label))
        for config in registry.modules.values()
        if config.url_prefix is not None
    ]


urlpatterns = [
    path("", include("dangjian.core.urls")),
    *module_urls(),
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
