"""Leak-walk rows of the shell (core): home, audit log and rule parameters (see leakwalk.py)."""

from __future__ import annotations

from dangjian.core.tests.leakwalk import Built, create, detail, export, page


def _parameter(world, obj, key) -> dict:
    """A whole-number rule parameter set to a new valid value (whichever module declared it)."""
    from dangjian.core import params

    spec = next(s for s in sorted(params.REGISTRY.values(), key=lambda s: s.key) if s.kind is int)
    return {"key": spec.key, "value": str(int(params.get(spec.key)) + 1)}


def _attachment(world, key):
    """A file attached to the person of ``key``'s organisation (visible where that person is)."""
    from dangjian.core import attachments
    from dangjian.core.tests.files import upload

    name = f"附件-{key}.pdf"
    made = attachments.attach(owner=world.get("person", key), files=[upload(name)], actor=None)
    return made[0], [name]


def _job(world, key):
    """A finished background job of ``key``'s branch secretary: its owner's alone, whatever the organisation."""
    from django.core.files.base import ContentFile

    from dangjian.core import jobs
    from dangjian.core.models import Job

    owner = world.get("account", key)
    title = f"后台任务·{key}"
    stored = jobs.private_storage().save(f"jobs/leak-{key}.txt", ContentFile(f"导出结果·{key}".encode()))
    job = Job.objects.create(
        owner=owner,
        kind="leak",
        title=title,
        state=Job.State.SUCCEEDED,
        message=f"任务结果·{key}",
        result_file=stored,
        result_name="result.txt",
    )
    return Built(job, (title, f"任务结果·{key}"), owner=owner)


OBJECTS = {"attachment": _attachment, "job": _job}


def _template_upload(world, obj, key) -> dict:
    """The administrator replaces the closure record's Word template with a copy of the default."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.core import documents

    content = documents.template_bytes("ledger.item_closure", default=True)
    return {"key": "ledger.item_closure", "file": SimpleUploadedFile("销号审批表.docx", content)}


ROUTES = {
    "home": page(),
    # Every module's records carry "·<organisation key>" in their names: a search for it finds them all.
    "search": page(query={"q": "·"}),
    "attachment_download": detail("attachment"),
    # Word templates: administrators only (no organisation's record in them)
    "document_templates": create(None, _template_upload, allowed=("admin",)),
    "document_template_download": export(fixed={"key": "ledger.item_closure"}),
    # background jobs: their owner's alone, not an organisation's
    "jobs:list": page(),  # every job is somebody's own: nobody else's title or result may show
    "jobs:detail": detail("job"),
    "jobs:progress": detail("job"),
    "jobs:download": detail("job"),
    "audit_log": page(),
    "parameters": create(None, _parameter, allowed=("admin",)),
}

# Signing in and out, the language, the API token, schema and docs, and one's own password:
# pages without any record of an organisation; the load balancer's health check and the metrics
# (figures about the whole installation, for the monitoring host only: core/tests/test_ops.py).
PUBLIC = {
    "health",
    "metrics",
    "login",
    "logout",
    "set_language",
    "api_token",
    "schema",
    "api_docs",
    "api-root",
    "password_change",
    "password_change_done",
}
