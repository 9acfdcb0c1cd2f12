"""Files attached to records (附件): one check of type and size, one store, one safe way to serve.

Any record can carry files — a meeting's minutes, a decision's scan, a training's sign-in
sheet. ``core.Attachment`` points to its owner generically and keeps the owner's
organisation, so ``Attachment.objects.visible_to(user)`` scopes like every other record.

**Checking.** ``validate_files`` refuses, for the whole upload at once (nothing is written):
a file whose extension is not allowed; a file whose *content* is not what its extension
says (magic bytes: PDF, PNG, JPEG, GIF, WebP, the zip-based DOCX/XLSX/PPTX/OFD — opened to
see that they are real zips of that kind —, the OLE-based DOC/XLS/PPT/WPS/ET, plain text);
an empty file; a file over the size limit; more files than the count limit. Each message
names the file and says what to fix. The limits default to the rule parameters
``core.attachment_*`` (administrators change them on the parameter page); a module passes
its own (the ledger's evidence has its own types and size). Only the types listed in
``FILE_TYPES`` can ever be accepted: an extension allowed by a parameter but unknown here
is ignored, because its content could not be checked.

**Serving.** Files live under MEDIA_ROOT, which the web server must never serve; they go
out only through ``serve`` (after the caller fetched the record through the user's scope):
``Content-Disposition: attachment`` with an RFC 5987 file name, inline only for images and
PDF (previews), always with ``X-Content-Type-Options: nosniff`` and
``Content-Security-Policy: sandbox``.

Usage (a meetings module)::

    # forms.py
    from dangjian.core.attachments import MultipleFileField
    files = MultipleFileField(label=_("Minutes and photos"), required=False)

    # services.py — after the service's own checks, inside its transaction
    from dangjian.core import attachments
    attachments.attach(owner=meeting, files=files, actor=actor, purpose="minutes")

    # views.py / template — the list with download and preview links
    files = attachments.for_owner(meeting, request.user)
    {% include "core/partials/attachments.html" with attachments=files %}

    # a module keeping its own file model uses the same check and the same response
    attachments.validate_files(files, extensions=["pdf", "jpg"], max_mb=10)
    return attachments.serve(evidence.file, name=evidence.name)
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import params, scoping
from .text import Text

MAX_MB = params.declare(
    "core.attachment_max_mb",
    getattr(settings, "UPLOAD_MAX_MB", 20),
    gettext_lazy("Largest attached file (MB)"),
)
MAX_COUNT = params.declare("core.attachment_max_count", 20, gettext_lazy("Most files attached in one upload"))
EXTENSIONS = params.declare(
    "core.attachment_extensions",
    "pdf,jpg,jpeg,png,gif,webp,doc,docx,xls,xlsx,ppt,pptx,wps,et,ofd,zip,txt",
    gettext_lazy("Allowed attachment file types (separated by commas)"),
    kind=str,
)

_HEAD = 8192  # bytes read to recognise a file


@dataclass(frozen=True)
class FileType:
    """A kind of file the platform accepts: its extension, what its content must look like, how it is served."""

    extension: str
    label: Text  # the format's name in messages
    content_type: str
    signature: str  # "pdf", "png", "jpeg", "gif", "webp", "ole", "zip", "text"
    zip_entry: str = ""  # for zip-based formats: an entry every such file holds

    @property
    def previewable(self) -> bool:
        """Images and PDF may be shown inline (in a sandbox); everything else is downloaded."""
        return self.signature in ("pdf", "png", "jpeg", "gif", "webp")


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
FILE_TYPES: dict[str, FileType] = {
    t.extension: t
    for t in (
        FileType("pdf", "PDF", "application/pdf", "pdf"),
        FileType("png", "PNG", "image/png", "png"),
        FileType("jpg", "JPEG", "image/jpeg", "jpeg"),
        FileType("jpeg", "JPEG", "image/jpeg", "jpeg"),
        FileType("gif", "GIF", "image/gif", "gif"),
        FileType("webp", "WebP", "image/webp", "webp"),
        FileType("doc", "Word (.doc)", "application/msword", "ole"),
        FileType("xls", "Excel (.xls)", "application/vnd.ms-excel", "ole"),
        FileType("ppt", "PowerPoint (.ppt)", "application/vnd.ms-powerpoint", "ole"),
        FileType("wps", "WPS (.wps)", "application/vnd.ms-works", "ole"),
        FileType("et", "WPS (.et)", "application/vnd.ms-excel", "ole"),
        FileType("docx", "Word (.docx)", _DOCX, "zip", "word/document.xml"),
        FileType("xlsx", "Excel (.xlsx)", _XLSX, "zip", "xl/workbook.xml"),
        FileType("pptx", "PowerPoint (.pptx)", _PPTX, "zip", "ppt/presentation.xml"),
        FileType("ofd", "OFD", "application/ofd", "zip", "OFD.xml"),
        FileType("zip", "ZIP", "application/zip", "zip"),
        FileType("txt", "TXT", "text/plain", "text"),
    )
}
_OCTET = "application/octet-stream"


def is_previewable(content_type: str) -> bool:
    """True for the types shown inline (images and PDF)."""
    return any(t.previewable and t.content_type == content_type for t in FILE_TYPES.values())


def default_extensions() -> list[str]:
    """The extensions allowed by the rule parameter ``core.attachment_extensions``."""
    return parse_extensions(params.get(EXTENSIONS.key))


def parse_extensions(raw: str | Iterable[str]) -> list[str]:
    """Extensions from "pdf, .JPG，png" or a list: lower case, no dots, known types only, in the given order."""
    items = raw.replace("，", ",").split(",") if isinstance(raw, str) else raw
    result: list[str] = []
    for item in items:
        ext = item.strip().lower().lstrip(".")
        if ext in FILE_TYPES and ext not in result:
            result.append(ext)
    return result


def clean_name(name: str) -> str:
    """The file name a user gave, without any folder (old browsers send the full path), at most 200 characters."""
    name = os.path.basename((name or "").replace("\\", "/")).strip().replace("\x00", "")
    if len(name) <= 200:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem[: 199 - len(ext)]}.{ext}" if dot and len(ext) < 20 else name[:200]


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# ------------------------------------------------------------------ recognising content


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(_HEAD)
    file.seek(0)
    return head


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # An incremental decoder accepts a character cut at the end of the sample.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _signature(head: bytes) -> str | None:
    if head.lstrip(b"\x00\t\n\r\f \xef\xbb\xbf").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head and _looks_like_text(head):
        return "text"
    return None


def _zip_entries(file) -> set[str] | None:
    """The entry names of a real zip archive (its central directory read, nothing extracted), else None."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        file.seek(0)


def detect(file) -> FileType | None:
    """What the content of ``file`` really is (by magic bytes, zips opened), or None when unrecognised."""
    signature = _signature(_head(file))
    if signature is None:
        return None
    if signature != "zip":
        return next(t for t in FILE_TYPES.values() if t.signature == signature)
    entries = _zip_entries(file)
    if entries is None:
        return None
    for kind in FILE_TYPES.values():
        if kind.zip_entry and kind.zip_entry in entries:
            return kind
    return FILE_TYPES["zip"]


def _content_matches(file, kind: FileType) -> tuple[bool, FileType | None]:
    """Whether the content fits the type its extension claims; and what it looks like instead."""
    actual = detect(file)
    if actual is None:
        return False, None
    if kind.signature == "zip" and actual.signature == "zip":
        # Any real zip may be called .zip; a .docx must hold word/document.xml, and so on.
        return (kind.extension == "zip" or actual.zip_entry == kind.zip_entry), actual
    return actual.signature == kind.signature, actual


# ------------------------------------------------------------------ validating an upload


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed ``validate_files``: its clean name and its verified type."""

    file: object
    name: str
    type: FileType
    size: int


def validate_files(
    files: Sequence,
    *,
    extensions: Iterable[str] | str | None = None,
    max_mb: int | None = None,
    max_count: int | None = None,
    field: str = "files",
) -> list[CheckedFile]:
    """Check every file of one upload; raise one ValidationError listing every problem (``{field: [...]}``).

    ``extensions``, ``max_mb`` and ``max_count`` default to the ``core.attachment_*`` rule
    parameters. The messages name each file and say what to fix; their codes are too_many_files,
    file_type, file_size, file_empty and file_content.
    """
    allowed = parse_extensions(default_extensions() if extensions is None else extensions)
    max_mb = int(params.get(MAX_MB.key) if max_mb is None else max_mb)
    max_count = int(params.get(MAX_COUNT.key) if max_count is None else max_count)
    errors: list[ValidationError] = []
    checked: list[CheckedFile] = []
    if len(files) > max_count:
        message = _(
            "At most %(n)s files can be uploaded at once (%(count)s were chosen). Upload the others separately."
        )
        errors.append(ValidationError(message % {"n": max_count, "count": len(files)}, code="too_many_files"))
    for f in files:
        name = clean_name(getattr(f, "name", "") or "")
        problem = _problem(f, name, allowed, max_mb)
        if problem is not None:
            errors.append(problem)
        else:
            size = int(f.size)
            checked.append(CheckedFile(file=f, name=name, type=FILE_TYPES[extension_of(name)], size=size))
    if errors:
        raise ValidationError({field: errors})
    return checked


def _problem(f, name: str, allowed: list[str], max_mb: int) -> ValidationError | None:
    """What is wrong with one file (None when nothing is)."""
    ext = extension_of(name)
    size = int(getattr(f, "size", 0) or 0)
    if ext not in allowed:
        message = _("“%(name)s”: this type of file is not accepted. Allowed types: %(types)s.")
        return ValidationError(message % {"name": name, "types": ", ".join(allowed)}, code="file_type")
    if size > max_mb * 1024 * 1024:
        message = _("“%(name)s” is larger than the limit of %(mb)s MB.")
        return ValidationError(message % {"name": name, "mb": max_mb}, code="file_size")
    if not size:
        return ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    kind = FILE_TYPES[ext]
    matches, actual = _content_matches(f, kind)
    if not matches:
        return ValidationError(_mismatch_message(name, kind, actual), code="file_content")
    return None


# What recognised content is called when it does not match: one OLE signature covers several formats.
_ACTUAL_LABELS = {"ole": "Word/Excel/WPS 97-2003 (.doc/.xls/.wps)"}


def _mismatch_message(name: str, kind: FileType, actual: FileType | None) -> str:
    values = {"name": name, "ext": kind.extension, "kind": kind.label}
    if actual is not None:
        return _(
            "“%(name)s”: the name ends in .%(ext)s but the content is a %(actual)s file. "
            "Rename it with the right extension, or save it again as %(kind)s."
        ) % {**values, "actual": _ACTUAL_LABELS.get(actual.signature, actual.label)}
    return (
        _(
            "“%(name)s”: the name ends in .%(ext)s but the content is not a %(kind)s file (it may be damaged). "
            "Save it again as %(kind)s and upload it once more."
        )
        % values
    )


# ------------------------------------------------------------------ storing


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def attach(
    *,
    owner,
    files: Sequence,
    actor,
    purpose: str = "",
    org=None,
    extensions: Iterable[str] | str | None = None,
    max_mb: int | None = None,
    max_count: int | None = None,
) -> list:
    """Attach the files of one upload to ``owner``: all of them, or — on any refusal — none.

    Call it from the owning module's service, after that service checked the actor's right.
    ``org`` (the organisation that scopes the files) defaults to the owner's organisation.
    """
    from django.contrib.contenttypes.models import ContentType

    from .models import Attachment

    checked = validate_files(files, extensions=extensions, max_mb=max_mb, max_count=max_count)
    org = scoping.org_of(owner) if org is None else org
    owner_type = ContentType.objects.get_for_model(type(owner))
    stored: list = []
    try:
        with transaction.atomic():
            for item in checked:
                attachment = Attachment(
                    owner_type=owner_type,
                    owner_id=owner.pk,
                    org=org,
                    purpose=purpose,
                    name=item.name,
                    size=item.size,
                    content_type=item.type.content_type,
                    sha256=_sha256(item.file),
                    uploaded_by=actor if getattr(actor, "pk", None) else None,
                )
                attachment.file.save(item.name, cast(File, item.file), save=False)
                stored.append(attachment)
                attachment.save()
    except BaseException:
        # The rows rolled back; the files written before the failure must go too.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


def for_owner(owner, user):
    """The attachments of ``owner`` that ``user`` may see, oldest first (one query)."""
    from .models import Attachment

    return Attachment.objects.visible_to(user).for_owner(owner).select_related("uploaded_by")


def get_for_user(user, pk):
    """One attachment the user may see — its organisation in scope AND its owner visible — else 404."""
    from .models import Attachment

    attachment = scoping.get_for_user(Attachment.objects.select_related("owner_type"), user, pk=pk)
    model = attachment.owner_type.model_class()
    manager = getattr(model, "_default_manager", None) if model else None
    # A narrower rule of the owner (a talk record's readers) applies to its files too.
    if manager is None or (
        hasattr(manager.all(), "visible_to")
        and not manager.all().visible_to(user).filter(pk=attachment.owner_id).exists()
    ):
        raise Http404
    return attachment


# ------------------------------------------------------------------ serving


def disposition(name: str, *, inline: bool = False) -> str:
    """A Content-Disposition header: an ASCII fallback name and the real name per RFC 5987 (``filename*``)."""
    name = clean_name(name).replace("\r", "").replace("\n", "") or "file"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip() or "file"
    stem, _dot, ext = ascii_name.rpartition(".")
    if not stem.strip("_ ."):
        ascii_name = f"file.{extension_of(name)}" if extension_of(name) else "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve(file, *, name: str, content_type: str | None = None, inline: bool = False) -> FileResponse:
    """Stream a stored file safely; ``inline`` is honoured only for images and PDF (previews).

    ``content_type`` is the type checked at upload; without it the content is recognised
    again. Missing files answer 404.
    """
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    kind = None
    if content_type is None:
        kind = detect(handle)
        content_type = kind.content_type if kind else _OCTET
    inline = inline and is_previewable(content_type)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition(name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    # A preview runs in a sandbox: no scripts, no forms, no same-origin access even if a file carries HTML.
    # Previews open as their own page (target=_blank), never in an <iframe sandbox>: Chromium's PDF viewer
    # refuses sandboxed frames but renders a top-level PDF whose response carries this header.
    response["Content-Security-Policy"] = "sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ forms


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the user choose several files; ``accept`` lists the allowed extensions."""

    allow_multiple_selected = True

    def __init__(self, attrs=None, extensions: Iterable[str] | None = None):
        super().__init__(attrs)
        self.extensions = list(extensions) if extensions is not None else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        allowed = parse_extensions(self.extensions) if self.extensions is not None else default_extensions()
        context["widget"]["attrs"].setdefault("accept", ",".join(f".{e}" for e in allowed))
        return context


class MultipleFileField(forms.FileField):
    """Several files in one field; ``cleaned_data`` holds a list (empty when none were chosen).

    It only collects the files: the service checks them with ``validate_files`` (or
    ``attach``), and the form shows that service's messages on this field.
    """

    def __init__(self, *args, extensions: Iterable[str] | None = None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(extensions=extensions))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return files
