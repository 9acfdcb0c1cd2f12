"""URLs of the extraction app (the views keep their own list)."""

from .views import urlpatterns  # noqa: F401
