"""Operations: a request id across a request and the jobs it starts, JSON logs, health and metrics.

- ``RequestIdMiddleware`` (first in ``MIDDLEWARE``) takes the load balancer's ``X-Request-ID`` when it
  is a plain token, or makes one, keeps it in a context variable for the request, and returns it in the
  response. ``core.jobs.start`` stores it with the job, and the worker sets it again while the job runs,
  so one id finds the request and the work it started in the logs.
- ``JsonFormatter`` writes one JSON object per log line (``LOG_FORMAT=json``), with the request id.
- ``health`` (``/healthz``) is for the load balancer: 200 when the database answers and every migration
  is applied, 503 otherwise; it also reports the task queue (waiting jobs, age of the oldest), which
  does not make an app server unhealthy (a stopped worker is a worker's problem, shown in the metrics).
- ``metrics`` (``/metrics``) is Prometheus' text format: request latency by view, job durations, queue
  depth and age, login failures. Only for ``METRICS_ALLOWED_IPS`` or a bearer ``METRICS_TOKEN``. With
  several worker processes set ``PROMETHEUS_MULTIPROC_DIR`` (see docs/operations.md).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import secrets
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from .middleware import client_address

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("dangjian_request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_id_context(value: str | None):
    """Run the block under ``value`` (a job inherits the id of the request that started it)."""
    token = _request_id.set(value or "")
    try:
        yield
    finally:
        _request_id.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


# ---------------------------------------------------------------- metrics (the process's own registry)

REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_LATENCY = Histogram(
    "dangjian_request_duration_seconds",
    "Time to answer a request, by view and method.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
    registry=REGISTRY,
)
REQUESTS = Counter(
    "dangjian_requests",
    "Requests answered, by view, method and status class.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
LOGIN_FAILURES = Counter("dangjian_login_failures", "Failed sign-in attempts.", registry=REGISTRY)
JOB_DURATION = Histogram(
    "dangjian_job_duration_seconds",
    "Time a background job ran, by kind and outcome.",
    ["kind", "state"],
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800),
    registry=REGISTRY,
)


class QueueCollector:
    """Queue depth and the age of the oldest waiting task, read from the task table at scrape time."""

    def collect(self):
        try:
            depth, age = queue_state()
        except Exception as exc:
            logger.warning("Metrics: the task queue cannot be read: %s", exc)
            return
        yield GaugeMetricFamily("dangjian_task_queue_depth", "Tasks waiting for a worker.", value=depth)
        yield GaugeMetricFamily(
            "dangjian_task_queue_oldest_age_seconds", "Age of the oldest waiting task (0 if none).", value=age
        )


def queue_state(now: datetime | None = None) -> tuple[int, float]:
    """(tasks ready to run, seconds the oldest of them has waited)."""
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.ready().aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
    oldest = row["oldest"]
    age = max(0.0, ((now or timezone.now()) - oldest).total_seconds()) if oldest else 0.0
    return row["n"], age


def observe_login_failure(**_kwargs) -> None:
    LOGIN_FAILURES.inc()


def observe_job(kind: str, state: str, seconds: float) -> None:
    JOB_DURATION.labels(kind=kind[:80], state=state).observe(seconds)


def _scrape_registry() -> CollectorRegistry:
    """This process's metrics, or every worker's when PROMETHEUS_MULTIPROC_DIR is set; plus the queue."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(QueueCollector())
    return registry


class _ProcessMetrics:
    def collect(self):
        yield from REGISTRY.collect()


def _metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if given.startswith("Bearer ") and secrets.compare_digest(given[7:].strip(), token):
            return True
    return client_address(request) in settings.METRICS_ALLOWED_IPS


@never_cache
@require_GET
def metrics(request):
    if not _metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(_scrape_registry()), content_type=CONTENT_TYPE_LATEST)


# ---------------------------------------------------------------- health

_migrations_done = False


def _pending_migrations() -> int:
    """Migrations not yet applied (remembered once none are, for the life of the process)."""
    global _migrations_done
    if _migrations_done:
        return 0
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_done = not plan
    return len(plan)


@never_cache
@require_GET
def health(request):
    """200 when this app server can serve (database up, schema current); 503 with the reason otherwise."""
    started = time.perf_counter()
    body: dict = {"status": "ok", "checks": {}}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        body["checks"]["database"] = "ok"
    except Exception as exc:
        logger.error("Health check: the database does not answer: %s", exc)
        body["status"] = "fail"
        body["checks"]["database"] = "fail"
        return JsonResponse(body, status=503)
    pending = _pending_migrations()
    body["checks"]["migrations"] = "ok" if not pending else f"{pending} not applied"
    if pending:
        body["status"] = "fail"
        return JsonResponse(body, status=503)
    depth, age = queue_state()
    body["queue"] = {"waiting": depth, "oldest_seconds": round(age, 1)}
    if age > settings.HEALTH_QUEUE_WARN_SECONDS:
        body["queue"]["warning"] = "the oldest task has waited too long: is a worker running?"
    body["seconds"] = round(time.perf_counter() - started, 4)
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


# ---------------------------------------------------------------- request glue


class RequestIdMiddleware:
    """Give each request an id (the load balancer's if it sent a plain one), log and time the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _REQUEST_ID_RE.match(given) else new_request_id()
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        elapsed = time.perf_counter() - started
        response[REQUEST_ID_HEADER] = request_id
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match and match.view_name else "<unresolved>"
        REQUEST_LATENCY.labels(view=view, method=request.method).observe(elapsed)
        REQUESTS.labels(view=view, method=request.method, status=f"{response.status_code // 100}xx").inc()
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request id on every log record (``%(request_id)s`` in a plain format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)  # django.request logs after the middleware has run
            record.request_id = current_request_id() or getattr(request, "request_id", None) or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or None,
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
