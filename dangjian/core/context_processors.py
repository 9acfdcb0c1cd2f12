"""What every page's shell needs: sidebar, focus, badges."""

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from . import nav, registry
from .modules import resolve
from .prepared import Kept
from .scoping import get_scope, without_focus
from .text import text_of

# (scope without its focus, the registered entries, language, URLconf, script prefix) → the sidebar's rows.
_SIDEBARS = Kept(size=512)

# One sidebar entry, as base.html wrote it with a loop over the entries (the markup is checked against that
# loop in core/tests/test_shell.py); written once per scope instead of once per page.
_ENTRY_HTML = (
    '\n          <li class="nav-item{}">\n            <a class="nav-link" href="{}"><span class="nav-link-icon">'
    '<i class="ti ti-{}"></i></span><span class="nav-link-title">{}</span></a>\n          </li>\n          '
)


def _sidebar(user) -> tuple[dict, ...]:
    """The sidebar entries this user may see, each with its label and URL, worked out once per scope: an
    entry's ``visible(user)`` reads only the user's scope (``nav.NavEntry``)."""
    key = (without_focus(user), tuple(registry.nav), get_language(), get_urlconf(), get_script_prefix())
    rows = _SIDEBARS.get(key)
    if rows is None:
        found = []
        for entry in nav.entries_for(user):
            try:
                url = nav.fixed_url(entry.url_name)
            except NoReverseMatch:
                continue
            label = text_of(entry.label)
            found.append(
                {
                    "entry": entry,
                    "label": label,
                    "url": url,
                    "html": format_html(_ENTRY_HTML, "", url, entry.icon, label),
                    "html_active": format_html(_ENTRY_HTML, " active", url, entry.icon, label),
                }
            )
        rows = _SIDEBARS.keep(key, tuple(found))
    return rows


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Nested renders (tables, partials) run context processors again; compute once per request.
    cached = getattr(request, "_dangjian_shell", None)
    if cached is not None:
        return cached
    rows = _sidebar(user)
    # Only the entry whose URL is the longest prefix of this page is highlighted (/orgs/ vs /orgs/warnings/).
    matches = [row for row in rows if row["url"] != "/" and request.path.startswith(row["url"])]
    active = max(matches, key=lambda row: len(row["url"])) if matches else None
    sidebar = SafeString("".join(row["html_active"] if row is active else row["html"] for row in rows))
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
    request._dangjian_shell = {"sidebar": sidebar, "scope": scope, "header_badges": badges}
    return request._dangjian_shell
