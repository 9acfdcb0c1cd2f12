"""URLs of the notification centre (the views keep their own list)."""

from .views import app_name, urlpatterns  # noqa: F401
