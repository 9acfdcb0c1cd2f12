"""The notification centre: my notifications, marking one or all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.pagination import list_key, page_of

from . import selectors, services

PER_PAGE = 30


@login_required
@require_GET
def notice_list(request):
    """My notifications only, newest first; ``?unread=1`` shows the unread ones."""
    notices = selectors.notices_for(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notices = notices.unread()
    page = page_of(notices, request, PER_PAGE, key=list_key(request))
    template = "notices/partials/notice_rows.html" if request.htmx else "notices/notice_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
            "breadcrumbs": [(_("Notifications"), None)],
        },
    )


@login_required
@require_POST
def notice_read(request, pk: int):
    """Mark one of my notifications read and go where it points (another user's notice: 404, nothing changes)."""
    notice = get_object_or_404(selectors.notices_for(request.user).only("url"), pk=pk)
    services.mark_read(user=request.user, notice_ids=[notice.pk])
    target = notice.url or None
    if (
        request.POST.get("go") == "1"
        and target
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return HttpResponseRedirect(target)
    return redirect("notices:list")


@login_required
@require_POST
def notice_read_all(request):
    """Mark all my notifications read."""
    services.mark_read(user=request.user)
    return redirect("notices:list")


urlpatterns = [
    path("", notice_list, name="list"),
    path("<int:pk>/read/", notice_read, name="read"),
    path("read-all/", notice_read_all, name="read_all"),
]
