"""REST glue shared by every app's API: the scoping base view, the serializer base and the error format."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Show a service's ValidationError exactly as the UI shows it (same Chinese message)."""
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """A viewset whose queryset always passes through ``visible_to(request.user)``.

    Filters (``filterset_class``) narrow lists only: a detail or an action on one record is found in
    the caller's scope by its id, without building and validating the list's filter form.
    """

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that works out its fields from the model once per class, not on every request.

    DRF introspects the model (field classes, arguments, validators) each time a serializer is made;
    that is most of an API detail request's time. The fields do not depend on the request here, so they
    are built once and each serializer gets its own copies (fields are bound to their serializer).

    A plain field is copied shallowly: binding sets only the copy's own attributes, and what it shares
    with the built field (choices, validators, error messages) is read, never changed. DRF's deep copy
    would call every field's ``__init__`` again. A field holding other fields (a nested serializer, a
    many-related or list field) is deep-copied, since those have their own parent.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_dangjian_fields")
        if built is None:
            built = super().get_fields()
            cls._dangjian_fields = built
        return {
            name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
            for name, field in built.items()
        }


def _holds_fields(field) -> bool:
    return isinstance(field, serializers.BaseSerializer) or any(
        hasattr(field, name) for name in ("child", "child_relation")
    )
