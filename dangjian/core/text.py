"""``Text``: a user-facing string, plain or translated lazily (``gettext_lazy``), for type hints."""

from django.utils.functional import Promise

Text = str | Promise
