"""REST glue shared by every app's API: scoping base view and error format."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Show a service's ValidationError exactly as the UI shows it (same Chinese message)."""
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """A viewset whose queryset always passes through ``visible_to(request.user)``."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)
