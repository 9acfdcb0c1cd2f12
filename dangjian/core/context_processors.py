"""What every page's shell needs: sidebar, focus, badges."""

from django.urls import NoReverseMatch

from . import nav, registry
from .modules import resolve
from .scoping import get_scope
from .text import text_of


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Nested renders (tables, partials) run context processors again; compute once per request.
    cached = getattr(request, "_dangjian_shell", None)
    if cached is not None:
        return cached
    entries = []
    for entry in nav.entries_for(user):
        try:
            url = nav.fixed_url(entry.url_name)
        except NoReverseMatch:
            continue
        entries.append({"entry": entry, "label": text_of(entry.label), "url": url, "active": False})
    # Only the entry whose URL is the longest prefix of this page is highlighted (/orgs/ vs /orgs/warnings/).
    matches = [e for e in entries if e["url"] != "/" and request.path.startswith(e["url"])]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    scope = get_scope(user)
    badges = []
    for badge in registry.badges.values():
        badges.append(
            {
                "badge": badge,
                "label": text_of(badge.label),
                "url": nav.fixed_url(badge.url_name),
                "count": min(resolve(badge.count)(user), nav.BADGE_MAX + 1),
                "max": nav.BADGE_MAX,
            }
        )
    request._dangjian_shell = {"nav_entries": entries, "scope": scope, "header_badges": badges}
    return request._dangjian_shell
