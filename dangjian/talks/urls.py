"""URLs of the talks app (the views keep their own list)."""

from .views import urlpatterns  # noqa: F401
