"""One REST router; every module that declares ``api`` on its ModuleConfig adds its viewsets to it."""

from rest_framework.routers import DefaultRouter

from dangjian.core import registry
from dangjian.core.modules import resolve

router = DefaultRouter()

for _config in registry.modules.values():
    if _config.api:
        resolve(_config.api)(router)
