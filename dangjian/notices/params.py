"""Rule parameters of the notification centre."""

from django.utils.translation import gettext_lazy as _

from dangjian.core import params

RETENTION_DAYS = params.declare(
    "notices.read_retention_days",
    365,
    _("Days a read notification is kept before the daily job removes it (0: keep)"),
)
