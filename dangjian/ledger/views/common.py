"""Small helpers shared by the ledger pages (no business rules here)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from dangjian.orgs.models import Organisation

HAND_DOWN = "hand_down"
RECTIFY = "rectify"
VERIFY = "verify"
INSPECT = "inspect"
EXPORT = "export"
IMPORT = "import"


def orgs_where(user, cap: str):
    """Current organisations the user may see and where they hold ``cap``."""
    return Organisation.objects.current().where_can(user, cap)


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def flash_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def flash_form_errors(request, form) -> None:
    """Show a posted form's field errors as messages (the item page redirects after each post)."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def back_to(obj_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(obj_url)
