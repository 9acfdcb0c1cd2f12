"""URLs of the indicators page."""

from .views import urlpatterns  # noqa: F401
