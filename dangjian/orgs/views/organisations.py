"""organisations pages."""

urlpatterns: list = []
