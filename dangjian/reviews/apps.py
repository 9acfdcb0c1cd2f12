from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import DemoStep, DocField, DocumentKind, ItemSource, ModuleConfig, NavEntry, Panel


class ReviewsConfig(ModuleConfig):
    """Duty-report evaluation (述职评议): reports, questions, comments, live anonymous scoring, hand-over."""

    name = "dangjian.reviews"
    label = "reviews"
    verbose_name = _("Duty-report evaluation")

    url_prefix = "reviews/"
    api = "dangjian.reviews.api.register"
    nav = (
        NavEntry(
            key="reviews", label=_("Evaluation"), icon="gavel", url_name="reviews:session_list", order=40
        ),
    )
    capabilities = {
        "host_review": _("Host duty-report evaluations"),
        "file_report": _("File the organisation's duty report"),
    }
    role_capabilities = {
        "org_dept": {"host_review", "file_report"},
        "township": {"host_review", "file_report"},
        "branch_secretary": {"file_report"},
    }
    # Ballots and their receipts are left out of the audit log on purpose: an entry would keep
    # the phone's address and the minute of each vote, and so undo the ballot's anonymity.
    # The session's current reporter is left out too: its history would name reporters to viewers of the
    # session who may not see them; the big-screen token is a secret.
    audited = {
        "ReviewSession": {"exclude_fields": ["current_reporter", "screen_token"]},
        "RaterGroup": {},
        "Reporter": {},
        "Question": {},
        "Comment": {},
    }
    workflows = "dangjian.reviews.rules"
    parameters = "dangjian.reviews.params"
    demo = (
        DemoStep(
            "reviews",
            order=60,
            build="dangjian.reviews.demo.build",
            county="dangjian.reviews.demo.build_county",
        ),
    )
    item_sources = (
        ItemSource(
            "reviews.Reporter",
            label=_("Duty-report evaluation"),
            url_name="reviews:reporter_detail",
            source="review",
            cap=Cap.HAND_DOWN,
        ),
    )
    panels = (
        Panel(
            on="orgs.organisation",
            key="reviews",
            order=50,
            template="reviews/partials/org_panel.html",
            context="dangjian.reviews.selectors.org_panel",
        ),
    )
    indicators = "dangjian.reviews.indicators"
    # Filled by reviews.selectors.result_notice; default template documents/result_notice.docx
    # (written by scripts/make_document_templates.py).
    documents = (
        DocumentKind(
            key="reviews.result_notice",
            label=_("Evaluation result notice"),
            fields=(
                DocField("title", _("Title of the session")),
                DocField("host", _("Host organisation")),
                DocField("year", _("Year evaluated")),
                DocField("held_on", _("Date of the session")),
                DocField("reporter_count", _("Number of secretaries who reported")),
                DocField("rows", _("Results, a list: each has rank, org, secretary, total and grade")),
                DocField("digest", _("Ballot digest (SHA-256)")),
                DocField("venue", _("Venue"), required=False),
                DocField("method", _("How the totals were computed, in words"), required=False),
                DocField("printed_on", _("Date the notice was printed"), required=False),
            ),
        ),
    )
    leak_rows = "dangjian.reviews.tests.leak"
