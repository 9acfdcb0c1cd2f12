"""Pages of background jobs: my jobs, one job with its progress bar (htmx polling), its result file.

A job is its owner's alone (``Job.objects.visible_to``): anybody else gets 404, as for a record
outside their scope.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import jobs
from .exports import RowError
from .models import Job
from .pagination import list_key, page_of
from .scoping import get_for_user

PER_PAGE = 30


def _crumbs(job: Job | None = None) -> list:
    crumbs = [(_("My jobs"), reverse("jobs:list") if job else None)]
    return crumbs + [(job.title, None)] if job else crumbs


def _job_context(request, pk: int) -> dict:
    job = get_for_user(Job, request.user, pk=pk)
    if job.state == Job.State.RUNNING and jobs.sweep_stale(jobs=Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return {
        "job": job,
        "problems": [RowError(*problem) for problem in job.problems],
        "wait_hint": jobs.wait_hint() if job.state == Job.State.QUEUED else "",
        "breadcrumbs": _crumbs(job),
    }


@login_required
@require_GET
def job_list(request):
    """The jobs I started, newest first, each with its state and progress."""
    page = page_of(Job.objects.visible_to(request.user), request, PER_PAGE, key=list_key(request))
    return render(request, "core/job_list.html", {"page": page, "breadcrumbs": _crumbs()})


@login_required
@require_GET
def job_detail(request, pk: int):
    """One job: a progress bar while it runs, then its result, or why it failed."""
    return render(request, "core/job_detail.html", _job_context(request, pk))


@login_required
@require_GET
def job_progress(request, pk: int):
    """The progress card alone, asked for every second by htmx until the job has finished."""
    return render(request, "core/partials/job_progress.html", _job_context(request, pk))


@login_required
@require_GET
def job_download(request, pk: int):
    """The file a finished job made, for its owner only."""
    job = get_for_user(Job, request.user, pk=pk)
    if job.state != Job.State.SUCCEEDED or not job.result_file:
        raise Http404
    storage = jobs.private_storage()
    if not storage.exists(job.result_file):
        raise Http404
    return FileResponse(storage.open(job.result_file, "rb"), as_attachment=True, filename=job.result_name)
