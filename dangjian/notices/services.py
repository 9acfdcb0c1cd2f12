"""Writes of the notification centre: notify users, mark notifications read."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit

from .models import Notice

log = logging.getLogger(__name__)


def notify(*, recipients: Iterable, kind: str, text: str, url: str = "", key: str = "") -> list[Notice]:
    """Tell each recipient about an event; return the notices created now.

    Idempotent by ``key``: a recipient who already has a notice with this key gets no
    second one (so re-running a job or retrying a request never notifies twice). An email
    follows, after commit, when ``EMAIL_HOST`` is configured and the user has an address.
    """
    recipients = {u.pk: u for u in recipients if u is not None and getattr(u, "pk", None)}
    if not recipients:
        return []
    text = str(text)[:300]
    if key:
        already = set(
            Notice.objects.filter(recipient_id__in=recipients, key=key).values_list("recipient_id", flat=True)
        )
    else:
        already = set()
    now = audit.now()  # a back-dated step (the demo, the daily job run for a past day) notifies on its day
    rows = [
        Notice(recipient_id=pk, kind=kind, text=text, url=url[:300], key=key[:120], created_at=now)
        for pk in recipients
        if pk not in already
    ]
    if not rows:
        return []
    Notice.objects.bulk_create(rows, ignore_conflicts=bool(key))
    if getattr(settings, "EMAIL_HOST", ""):
        emails = [
            (pk, recipients[pk].email) for pk in recipients if pk not in already and recipients[pk].email
        ]
        if emails:
            transaction.on_commit(lambda: _send_emails(emails, text, url, key))
    return rows


def _send_emails(emails: list[tuple[int, str]], text: str, url: str, key: str) -> None:
    sent = []
    for pk, address in emails:
        try:
            send_mail(text[:78], f"{text}\n\n{url}".strip(), None, [address])
            sent.append(pk)
        except Exception:  # a mail server outage must not break the work that caused the notice
            log.exception("notice email to %s failed", address)
    if sent and key:
        Notice.objects.filter(recipient_id__in=sent, key=key, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )


def mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when ``notice_ids`` is None); return how many."""
    qs = Notice.objects.for_user(user).unread()
    if notice_ids is not None:
        qs = qs.filter(pk__in=list(notice_ids))
    return qs.update(read_at=timezone.now())


def prune_read(*, today) -> dict[str, int]:
    """The daily job: remove notifications read more than ``notices.read_retention_days`` days ago.

    Unread notifications stay whatever their age (someone still has to act on them). A
    notification is a message to a person, not a record of what happened: the audit log and the
    record's own history keep that. Should the same event (key) occur again after its notice was
    removed, its people are told again, which is what they would want a year later.
    """
    from datetime import timedelta

    from dangjian.core import params as core_params

    from .params import RETENTION_DAYS

    days = int(core_params.get(RETENTION_DAYS.key))
    if days <= 0:
        return {"read_removed": 0}
    cutoff = timezone.now() - timedelta(days=days)
    removed, _kinds = Notice.objects.filter(read_at__isnull=False, read_at__lt=cutoff).delete()
    return {"read_removed": removed}
