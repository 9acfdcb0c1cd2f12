"""Rule parameters of talks (DOMAIN.md §7), with defaults an administrator can change."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.params import declare

LETTER_REPLY_WORKING_DAYS = declare(
    "talks.letter_reply_working_days", 15, _("Working days within which a talk or letter inquiry is answered")
)
REMIND_DAYS_BEFORE_END = declare(
    "talks.remind_days_before_end",
    3,
    _(
        "Days before a talk campaign's window ends when its talkers are reminded of the people not yet talked to"
    ),
)
