"""URLs of the development module (the views keep their own list)."""

from .views import urlpatterns  # noqa: F401
