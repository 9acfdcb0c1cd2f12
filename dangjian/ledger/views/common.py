"""Small helpers shared by the ledger pages (no business rules here)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from dangjian.core.scoping import Scope, get_scope
from dangjian.orgs.models import Organisation

HAND_DOWN = "hand_down"
RECTIFY = "rectify"
VERIFY = "verify"
INSPECT = "inspect"
EXPORT = "export"
IMPORT = "import"


def orgs_where(user, cap: str):
    """Current organisations the user may see and where they hold ``cap``."""
    scope = get_scope(user)
    if scope.everything:
        qs = Organisation.objects.visible_to(user).current()
        return qs if cap in scope.all_caps else qs.none()
    narrowed = Scope(grants=tuple(g for g in scope.grants if cap in g.caps), focus_path=scope.focus_path)
    return Organisation.objects.current().filter(narrowed.q())


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def flash_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def back_to(obj_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(obj_url)
