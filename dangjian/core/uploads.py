"""The upload store: a checked file waits here between its preview and the job that writes it.

An upload is saved under a random name in ``IMPORT_PENDING_DIR`` (never served by the web server); the
session keeps only a *ticket*: the signed name, the file's original name and what it is for. Every way
a ticket can go bad — missing, forged, meant for another import, older than
``IMPORT_PENDING_MAX_AGE``, or its file deleted — ends the same way: ``UploadGone`` with one message
asking to upload the file again. Files older than the maximum age are deleted whenever a new one is
stored.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.utils.translation import gettext_lazy

from .exports import ALLOWED_SUFFIXES

SALT = "core.uploads.pending"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

GONE_MESSAGE = gettext_lazy(
    "The uploaded file has expired or is no longer available. Please upload it again."
)


class UploadGone(Exception):
    """The ticket's file cannot be had any more; the user has to upload it again."""

    def __init__(self):
        super().__init__(str(GONE_MESSAGE))
        self.message = str(GONE_MESSAGE)


def max_age() -> int:
    return settings.IMPORT_PENDING_MAX_AGE


def _folder() -> Path:
    folder = Path(settings.IMPORT_PENDING_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cleanup(*, older_than: int | None = None) -> int:
    """Delete kept files older than the maximum age; returns how many were deleted."""
    cutoff = time.time() - (max_age() if older_than is None else older_than)
    removed = 0
    for old in _folder().glob("*"):
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
            removed += 1
    return removed


def store(upload, *, purpose: str) -> dict:
    """Keep an uploaded file; returns its ticket (JSON-safe, for the session or a task's parameters)."""
    cleanup()
    token = secrets.token_urlsafe(32)
    if hasattr(upload, "seek"):
        upload.seek(0)
    with open(_folder() / token, "wb") as fh:
        for part in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            fh.write(part)
    name = Path(getattr(upload, "name", "") or "upload.xlsx").name
    return {"purpose": purpose, "filename": name, "token": signing.dumps(token, salt=SALT)}


def _path(ticket: dict | None, *, purpose: str | None, check_age: bool = True) -> Path:
    if not isinstance(ticket, dict) or (purpose is not None and ticket.get("purpose") != purpose):
        raise UploadGone
    try:
        token = signing.loads(ticket.get("token", ""), salt=SALT, max_age=max_age() if check_age else None)
    except signing.BadSignature as exc:  # forged or expired (SignatureExpired is a BadSignature)
        raise UploadGone from exc
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise UploadGone
    path = _folder() / token
    if not path.is_file():
        raise UploadGone
    return path


def filename(ticket: dict | None) -> str:
    """The original file name, safe to show and to read the file type from."""
    name = Path(str((ticket or {}).get("filename", ""))).name
    return name if Path(name).suffix.lower() in ALLOWED_SUFFIXES else "upload.xlsx"


def open_file(ticket: dict | None, *, purpose: str | None = None) -> File:
    """The kept file of a ticket, open for reading; ``UploadGone`` when it cannot be had."""
    return File(_path(ticket, purpose=purpose).open("rb"), name=filename(ticket))


def renew(ticket: dict | None, *, purpose: str) -> dict:
    """A fresh ticket for the same file (the confirmation starts the clock again for the waiting job)."""
    path = _path(ticket, purpose=purpose)  # refuses a missing or foreign ticket (UploadGone)
    assert ticket is not None
    os.utime(path)
    token = signing.loads(ticket["token"], salt=SALT)
    return {**ticket, "token": signing.dumps(token, salt=SALT)}


def discard(ticket: dict | None) -> None:
    """Delete a ticket's file (after the job used it, or when the user starts again)."""
    with contextlib.suppress(UploadGone):
        _path(ticket, purpose=None, check_age=False).unlink(missing_ok=True)
