"""URLs of the notification centre (the views keep their own list)."""

from .views import urlpatterns  # noqa: F401
