"""Word documents from templates an office can replace (docxtpl): 审批表, 通报, 通知 and the like.

A module declares each kind of document it produces on its ``ModuleConfig``: a key
("<app label>.<name>"), a label, and the fields its context provides, each with a
description an office can read when it writes its own template. The default template
ships with the app at ``dangjian/<app>/documents/<name>.docx``. An administrator may
upload a replacement on the "Word templates" page (``DocumentTemplate``); it is refused
at upload when it uses a field the kind does not provide or lacks a required one, naming
the field(s). ``render`` uses the replacement when there is one, else the default.

Templates are Jinja inside Word (docxtpl): ``{{ title }}`` where a value goes, ``{%tr for
p in progress %}`` … ``{%tr endfor %}`` to repeat a table row. They run in Jinja's sandbox
with autoescaping, so an uploaded template cannot reach Python, and a value cannot break
the document. Dates are written in the active language's format; text with line breaks
keeps them.

Declaring and rendering::

    # apps.py
    from dangjian.core.modules import DocField, DocumentKind, ModuleConfig

    class MeetingsConfig(ModuleConfig):
        documents = (
            DocumentKind(
                key="meetings.minutes",
                label=_("Meeting minutes"),
                fields=(
                    DocField("title", _("Meeting title")),
                    DocField("held_on", _("Date held")),
                    DocField("attendees", _("People present, a list of names"), required=False),
                ),
            ),
        )  # default template: dangjian/meetings/documents/minutes.docx

    # views.py
    from dangjian.core import documents
    data = documents.render("meetings.minutes", {"title": m.title, "held_on": m.held_on, "attendees": names})
    return documents.response(data, filename=f"{m.title}.docx")
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import registry, scoping
from .attachments import disposition, validate_files
from .caps import Cap
from .text import Text

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_MB = 5


@dataclass(frozen=True)
class DocField:
    """A value a document kind's context provides; ``required`` ones must appear in every template."""

    name: str
    description: Text
    required: bool = True


@dataclass(frozen=True)
class DocumentKind:
    """A kind of Word document a module produces, with the fields its templates may use.

    ``template``: the default template's path inside the app (``documents/<name>.docx`` when
    empty); after registration it holds the absolute path.
    """

    key: str
    label: Text
    fields: tuple[DocField, ...]
    template: str = ""

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_names(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


class MissingFields(ValueError):
    """A document was rendered with a context that lacks declared fields (a programming error)."""


def register(kind: DocumentKind, *, app_label: str, app_path: str) -> DocumentKind:
    """Add a module's document kind to the registry (called by ``core.modules``)."""
    if not kind.key.startswith(f"{app_label}."):
        raise ImproperlyConfigured(f"Document kind {kind.key!r} must be named '{app_label}.<name>'.")
    name = kind.key.split(".", 1)[1]
    path = Path(app_path) / (kind.template or f"documents/{name}.docx")
    registered = DocumentKind(key=kind.key, label=kind.label, fields=tuple(kind.fields), template=str(path))
    registry.document_kinds[kind.key] = registered
    return registered


def get_kind(key: str) -> DocumentKind:
    try:
        return registry.document_kinds[key]
    except KeyError:
        raise ImproperlyConfigured(f"No module declares the document kind {key!r}.") from None


def kinds() -> list[DocumentKind]:
    """Every declared document kind, by key."""
    return sorted(registry.document_kinds.values(), key=lambda k: k.key)


def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _template_source(kind: DocumentKind):
    """The uploaded replacement's bytes, or the default template's path."""
    from .models import DocumentTemplate

    replacement = DocumentTemplate.objects.filter(key=kind.key).first()
    if replacement is not None:
        with replacement.file.open("rb") as fh:
            return io.BytesIO(fh.read())
    return kind.template


def _value(value):
    """A context value as Word shows it: dates in the language's format, line breaks kept, None empty."""
    from docxtpl import Listing

    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(
            timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT"
        )
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, Mapping):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def render(key: str, context: Mapping) -> bytes:
    """The document of kind ``key`` filled with ``context`` (every declared field must be given)."""
    from docxtpl import DocxTemplate

    kind = get_kind(key)
    missing = [name for name in kind.field_names if name not in context]
    if missing:
        raise MissingFields(f"Document {key!r}: the context lacks the field(s) {', '.join(missing)}.")
    template = DocxTemplate(_template_source(kind))
    template.render({k: _value(v) for k, v in context.items()}, jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def response(data: bytes, *, filename: str) -> HttpResponse:
    """A download of a rendered document."""
    resp = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    resp["Content-Disposition"] = disposition(filename)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


# ------------------------------------------------------------------ replacement templates


def template_fields(file) -> set[str]:
    """The fields a .docx template uses (body, headers and footers); ValidationError when it cannot be read."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    try:
        return set(DocxTemplate(file).get_undeclared_template_variables(jinja_env=_environment()))
    except TemplateSyntaxError as exc:
        raise ValidationError(
            {
                "file": _(
                    "A placeholder in the template is written wrongly (%(error)s). "
                    "Check that every {{ … }} and {%% … %%} is complete."
                )
                % {"error": exc.message}
            },
            code="bad_template",
        ) from exc
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise ValidationError(
            {"file": _("The file could not be read as a Word document. Save it again as .docx and retry.")},
            code="bad_template",
        ) from exc


def check_template(kind: DocumentKind, file) -> None:
    """Refuse a template that uses unknown fields or lacks required ones, naming them."""
    used = template_fields(file)
    unknown = sorted(used - set(kind.field_names))
    missing = [name for name in kind.required_names if name not in used]
    errors = []
    if unknown:
        errors.append(
            _(
                "The template uses field(s) that “%(kind)s” does not provide: %(fields)s. "
                "Correct their spelling or remove them; the available fields are listed on this page."
            )
            % {"kind": kind.label, "fields": ", ".join(unknown)}
        )
    if missing:
        errors.append(
            _(
                "The template lacks the required field(s): %(fields)s. Add each as {{ name }} where its value belongs."
            )
            % {"fields": ", ".join(missing)}
        )
    if errors:
        raise ValidationError({"file": errors}, code="bad_template")
    _trial_render(kind, file)


class _Sample:
    """A stand-in value for a trial render: any attribute, one item when looped over, its name when printed."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return _Sample(f"{self._name}.{name}")

    def __iter__(self):
        return iter([_Sample(f"{self._name}[0]")])

    def __str__(self) -> str:
        return self._name


def _trial_render(kind: DocumentKind, file) -> None:
    """Fill the template with stand-in values: what the sandbox forbids (reaching into Python) is refused now."""
    from docxtpl import DocxTemplate
    from jinja2.exceptions import SecurityError, UndefinedError

    file.seek(0)
    try:
        DocxTemplate(file).render(
            {name: _Sample(name) for name in kind.field_names}, jinja_env=_environment(), autoescape=True
        )
    except (SecurityError, UndefinedError) as exc:
        message = _("The template uses something other than the fields listed (%(error)s). Remove it.")
        raise ValidationError({"file": message % {"error": str(exc)}}, code="bad_template") from exc
    except Exception:  # arithmetic on stand-in values may fail where real values will not
        pass
    finally:
        file.seek(0)


@transaction.atomic
def document_template_upload(*, key: str, file, actor):
    """Put an office's template in place of the default of ``key`` (administrators; nothing kept on refusal)."""
    from .models import DocumentTemplate

    scoping.ensure_can(actor, Cap.ADMINISTER)
    kind = get_kind(key)
    if file is None:
        raise ValidationError({"file": _("Please choose a .docx file.")}, code="no_file")
    checked = validate_files([file], extensions=["docx"], max_mb=MAX_TEMPLATE_MB, max_count=1, field="file")
    check_template(kind, file)
    file.seek(0)
    previous = DocumentTemplate.objects.select_for_update().filter(key=key).first()
    old_file = previous.file.name if previous else None
    template = previous or DocumentTemplate(key=key)
    template.name = checked[0].name
    template.uploaded_by = actor if getattr(actor, "pk", None) else None
    template.uploaded_at = timezone.now()
    template.file.save(template.name, file, save=False)
    template.save()
    if old_file:
        storage = template.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return template


@transaction.atomic
def document_template_revert(*, key: str, actor) -> bool:
    """Go back to the default template of ``key``; False when no replacement was in place."""
    from .models import DocumentTemplate

    scoping.ensure_can(actor, Cap.ADMINISTER)
    get_kind(key)
    template = DocumentTemplate.objects.select_for_update().filter(key=key).first()
    if template is None:
        return False
    name, storage = str(template.file.name), template.file.storage
    template.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return True


def replacements() -> dict[str, object]:
    """The uploaded replacements by kind key (one query)."""
    from .models import DocumentTemplate

    return {t.key: t for t in DocumentTemplate.objects.select_related("uploaded_by")}


def template_bytes(key: str, *, default: bool = False) -> bytes:
    """The template in effect for ``key`` (or its default), for an office to download and edit."""
    kind = get_kind(key)
    source = kind.template if default else _template_source(kind)
    if isinstance(source, str):
        return Path(source).read_bytes()
    return source.getvalue()
