"""Root URLs: the shell, every module's pages (from its ModuleConfig), the API, i18n and the admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

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
    path("api/token/", obtain_auth_token, name="api_token"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
]
