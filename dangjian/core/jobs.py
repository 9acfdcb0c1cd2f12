"""Background jobs: long work run as a task (Django's Tasks API), with progress a page can show.

Task code is a function ``f(job, progress, **params) -> Outcome`` made into a task with ``job_task``
and started with ``start``. It reports progress through the ``Progress`` it is given::

    with job_progress(job) as p:   # (``job_task`` does this for you)
        p.total = len(rows)
        for row in rows:
            ...
            p.advance()

Progress is written at most every ``JOB_PROGRESS_INTERVAL`` seconds, never once per row. Inside a
transaction opened by the job (an import's all-or-nothing write) the job row cannot be updated on the
same connection without being rolled back with it: on PostgreSQL progress then goes through a second
connection; on SQLite (one writer at a time) it waits until the transaction ends.

A job that raises ``JobFailed`` fails with that message (and the row/column problems of a file); any
other exception fails it with a general message and fails the task too, so the worker logs the
traceback. A worker that dies leaves its job "running": ``sweep_stale`` marks such jobs failed once they
have written no progress for ``JOB_STALE_SECONDS``.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from . import ops
from .models import Job
from .pagination import count_up_to
from .params import read_once
from .scoping import FOCUS_ATTR

logger = logging.getLogger(__name__)

_FOCUS_PARAM = "_focus"
_REQUEST_ID_PARAM = "_request_id"

STALE_MESSAGE = gettext_lazy(
    "The background worker stopped before this job finished (it was restarted or killed); nothing was "
    "written. Please start the job again."
)
UNEXPECTED_MESSAGE = gettext_lazy(
    "The job stopped because of an unexpected error; nothing was written. Please try again later, "
    "and tell the administrator if it happens again (job %(id)s)."
)


class JobFailed(Exception):
    """Raised by job code: the job fails with ``message`` (in the job's language) and nothing is kept."""

    def __init__(self, message: str, problems: Iterable = ()):
        super().__init__(str(message))
        self.message = str(message)
        # Row/column problems of a refused file: RowError-like objects or (row, column, message) triples.
        self.problems = [
            [p.row, p.column, str(p.message)] if hasattr(p, "row") else [p[0], p[1], str(p[2])]
            for p in problems
        ]


@dataclass
class Outcome:
    """What a finished job shows: a summary line and, optionally, a file for its owner to download."""

    message: str = ""
    content: bytes | None = None
    filename: str = ""


def private_storage() -> FileSystemStorage:
    """Where job results are kept: not under MEDIA_ROOT, served only through the owner's download view."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


# ---------------------------------------------------------------- progress


class Progress:
    """Counts work done; writes it to the job row at most every ``JOB_PROGRESS_INTERVAL`` seconds."""

    def __init__(self, job: Job, *, interval: float | None = None):
        self.job = job
        self.interval = settings.JOB_PROGRESS_INTERVAL if interval is None else interval
        self.done = 0
        self._total = 0
        self._message = ""
        self._last = 0.0
        # Transactions opened by the job's own code are deeper than this (a test's own one is not).
        self._depth = len(connection.atomic_blocks)
        self._side: BaseDatabaseWrapper | None = None
        self.writes = 0

    @property
    def total(self) -> int:
        return self._total

    @total.setter
    def total(self, value: int) -> None:
        self._total = max(0, int(value))
        self.flush()

    @property
    def message(self) -> str:
        return self._message

    @message.setter
    def message(self, value) -> None:
        """What the job is doing now ("Checking rows", "Writing"…), shown under the bar."""
        self._message = str(value)[:500]
        self.flush()

    def advance(self, k: int = 1) -> None:
        self.done += k
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._write(now)

    def wrap(self, items: Iterable) -> Iterator:
        """Yield ``items`` one by one, advancing once for each."""
        for item in items:
            yield item
            self.advance()

    def flush(self) -> None:
        self._write(time.monotonic())

    def _write(self, now: float) -> None:
        fields = {
            "done": min(self.done, self._total) if self._total else self.done,
            "total": self._total,
            "message": self._message,
            "heartbeat_at": timezone.now(),
        }
        if len(connection.atomic_blocks) <= self._depth:
            Job.objects.filter(pk=self.job.pk).update(**fields)
        elif connection.vendor == "sqlite":
            return  # the job's transaction holds SQLite's only write lock: written when it ends
        else:
            self._write_aside(fields)
        self._last = now
        self.writes += 1

    def _write_aside(self, fields: dict) -> None:
        """Update the job row through a second connection, outside the job's open transaction."""
        if self._side is None:
            real = connections[Job.objects.db]  # ``connection`` is a proxy: copy the wrapper behind it
            self._side = real.__class__(real.settings_dict.copy())
        table = connection.ops.quote_name(Job._meta.db_table)
        columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in fields)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {columns} WHERE id = %s",
                [*fields.values(), self.job.pk],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


@contextmanager
def job_progress(job: Job, *, interval: float | None = None):
    """A ``Progress`` for ``job``; its last count is written when the block ends."""
    progress = Progress(job, interval=interval)
    try:
        yield progress
    finally:
        progress.close()
        if len(connection.atomic_blocks) <= progress._depth:
            progress.flush()


# ---------------------------------------------------------------- starting and running


def start(
    *, task, owner, kind: str, title: str, params: dict | None = None, link: str = "", link_label: str = ""
) -> Job:
    """Record a job for ``owner`` and enqueue ``task`` (made with ``job_task``) to run it.

    ``link`` (with ``link_label``) is where the job page sends the user once the work is done.
    """
    params = dict(params or {})
    focus = getattr(owner, FOCUS_ATTR, None)
    if focus is not None:  # the job sees what the owner's page saw
        params[_FOCUS_PARAM] = list(focus)
    request_id = ops.current_request_id()
    if request_id:  # the worker's log lines for this job carry the id of the request that started it
        params[_REQUEST_ID_PARAM] = request_id
    job = Job.objects.create(
        owner=owner,
        kind=kind,
        title=str(title)[:200],
        params=params,
        link=link,
        link_label=str(link_label)[:100],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def start_and_follow(request, **kwargs) -> HttpResponseRedirect:
    """Start a job for the requesting user (``start``'s arguments) and send them to its page."""
    job = start(owner=request.user, **kwargs)
    return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


def job_task(func: Callable) -> object:
    """Make ``func(job, progress, **params) -> Outcome | str`` a task that runs one job (see ``start``)."""

    @functools.wraps(func)
    def run(job_id: int):
        return execute(job_id, func)

    return task()(run)


def execute(job_id: int, func: Callable) -> dict:
    """Run one queued job: mark it running, call ``func``, record its outcome or its failure."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:  # gone, already run, or given up while it waited
        return {"job": job_id, "state": "skipped"}
    job = Job.objects.select_related("owner").get(pk=job_id)
    params = dict(job.params)
    focus = params.pop(_FOCUS_PARAM, None)
    if focus is not None and job.owner is not None:
        setattr(job.owner, FOCUS_ATTR, tuple(focus))
    request_id = params.pop(_REQUEST_ID_PARAM, None) or ops.new_request_id()
    language = job.language or settings.LANGUAGE_CODE
    # The rule parameters read once for the job, as for a request (``core.params.read_once``).
    with ops.request_id_context(request_id), translation.override(language), read_once():
        return _run(job, func, params)


def _run(job: Job, func: Callable, params: dict) -> dict:
    job_id, started = job.pk, time.perf_counter()
    try:
        with job_progress(job) as progress:
            outcome = func(job, progress, **params)
    except JobFailed as exc:
        _finish(job, state=Job.State.FAILED, error=exc.message, problems=exc.problems)
        ops.observe_job(job.kind, Job.State.FAILED, time.perf_counter() - started)
        return {"job": job_id, "state": Job.State.FAILED}
    except BaseException:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(job, state=Job.State.FAILED, error=str(UNEXPECTED_MESSAGE % {"id": job_id}))
        ops.observe_job(job.kind, Job.State.FAILED, time.perf_counter() - started)
        raise
    if not isinstance(outcome, Outcome):
        outcome = Outcome(message=str(outcome or ""))
    fields = {"message": outcome.message[:500], "done": progress.done}
    if outcome.content is not None:
        fields.update(_store_result(job, outcome))
    _finish(job, state=Job.State.SUCCEEDED, **fields)
    elapsed = time.perf_counter() - started
    ops.observe_job(job.kind, Job.State.SUCCEEDED, elapsed)
    logger.info("Job %s (%s) finished in %.1f s", job_id, job.kind, elapsed)
    return {"job": job_id, "state": Job.State.SUCCEEDED}


def _store_result(job: Job, outcome: Outcome) -> dict:
    name = Path(outcome.filename or "result").name
    stored = private_storage().save(
        f"jobs/{job.pk}/{secrets.token_urlsafe(16)}{Path(name).suffix}", ContentFile(outcome.content)
    )
    return {"result_file": stored, "result_name": name[:200]}


def _finish(job: Job, *, state: str, **fields) -> None:
    """Record the end of a running job (a job the sweeper gave up on stays failed)."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=state, finished_at=now, heartbeat_at=now, **fields
    )


# ---------------------------------------------------------------- jobs whose worker died


def stale_jobs(*, now=None):
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.JOB_STALE_SECONDS)
    return Job.objects.filter(state=Job.State.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def sweep_stale(*, now=None, jobs=None) -> int:
    """Mark failed every running job that has written no progress for ``JOB_STALE_SECONDS``.

    Its worker was killed (or the machine restarted): the task will never finish it, and whatever it
    was writing was rolled back with its transaction.
    """
    stale = stale_jobs(now=now)
    if jobs is not None:
        stale = stale.filter(pk__in=jobs.values("pk"))
    count = 0
    for job in stale.only("pk", "language"):
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = str(STALE_MESSAGE)
        with transaction.atomic():
            count += stale.filter(pk=job.pk).update(
                state=Job.State.FAILED, error=message, finished_at=timezone.now()
            )
    return count


def too_big_for_a_request(queryset) -> bool:
    """True when an export of ``queryset`` should run as a job (more rows than EXPORT_TASK_THRESHOLD).

    Counted no further than one past the threshold, unsorted: the request that starts a city's export
    counted its 78 000 items in full (a second) only to learn that they were more than a few thousand."""
    limit = settings.EXPORT_TASK_THRESHOLD
    return count_up_to(queryset, limit) > limit


def wait_hint() -> str:
    """Shown while a job waits: without a running worker it would wait for ever."""
    return _("Waiting for a background worker to pick the job up.")
