"""roster pages."""

urlpatterns: list = []
