"""Template filters of the supervision pages."""

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dangjian.core.nav import id_url
from dangjian.core.templatetags.core_filters import truncatechars

register = template.Library()


@register.filter
def stars(n) -> str:
    """A rating's stars as ★ marks (titled with their number), "—" for none: one call per row, where an
    included loop over five marks was most of a fifty-row page's rendering."""
    if not n:
        return "—"
    return format_html('<span title="{}★" data-stars="{}">{}</span>', n, n, "★" * int(n))


def _shown(value) -> str:
    """``{{ value }}``: localised (a score's decimal point), escaped."""
    return conditional_escape(formats.localize(value))


@register.simple_tag
def rating_rows(ratings) -> SafeString:
    """The rating list's rows: the organisation linking to its rating, the four scores, the classification,
    the stars, the status and the start of the self-assessment.

    Written in Python, as the meeting list's rows are (``orglife_tags.meeting_rows``): fifty rows through the
    template language were about eleven hundred variable lookups and two hundred number formattings. The
    markup is the template's (``supervision/tests/test_rating_rows.py`` compares them)."""
    if not ratings:
        empty = conditional_escape(_("No ratings for this year."))
        return mark_safe(f'<tr><td colspan="9" class="text-secondary">{empty}</td></tr>')
    parts = []
    for r in ratings:
        poll = "—" if r.poll_score is None else _shown(r.poll_score)
        township = "—" if r.township_score is None else _shown(r.township_score)
        overall = "—" if r.score is None else _shown(r.score)
        parts.append(
            f'<tr data-testid="rating-row"><td><a href="{id_url("supervision:rating_detail", r.pk)}">'
            f"{conditional_escape(r.org.label)}</a></td>"
            f'<td class="text-end">{_shown(r.self_score)}</td><td class="text-end">{poll}</td>'
            f'<td class="text-end">{township}</td><td class="text-end fw-bold">{overall}</td>'
            f"<td>{conditional_escape(r.get_grade_display() or '—')}</td>"
            f'<td class="text-yellow">{conditional_escape(stars(r.stars))}</td>'
            f'<td><span class="badge bg-secondary-lt">{conditional_escape(r.get_status_display())}</span></td>'
            f'<td class="d-none d-md-table-cell small text-secondary">'
            f"{conditional_escape(truncatechars(r.self_note, 40))}</td></tr>"
        )
    return mark_safe("\n".join(parts))  # every value above is escaped
