"""Operations: request ids across requests and jobs, JSON logs, the health check, metrics and the replica."""

from __future__ import annotations

import json
import logging
import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from dangjian.core import jobs, ops
from dangjian.core.models import Job

pytestmark = pytest.mark.django_db

seen_ids: list[str] = []


@jobs.job_task
def remember_request_id(job, progress) -> str:
    logging.getLogger("dangjian.test").warning("inside the job")
    seen_ids.append(ops.current_request_id())
    return "ok"


# ------------------------------------------------------------------ request ids and logs


def test_every_response_carries_a_request_id_and_keeps_a_plain_one_from_the_load_balancer(client):
    made = client.get(reverse("login"))
    assert len(made["X-Request-ID"]) == 32
    assert client.get(reverse("login"))["X-Request-ID"] != made["X-Request-ID"]
    kept = client.get(reverse("login"), headers={"X-Request-ID": "lb-5f3a-0001"})
    assert kept["X-Request-ID"] == "lb-5f3a-0001"
    for forged in ("a b c d e f g h", "x" * 65, "abc\r\nSet-Cookie: y", "short"):
        answered = client.get(reverse("login"), headers={"X-Request-ID": forged})
        assert answered["X-Request-ID"] != forged and len(answered["X-Request-ID"]) == 32


def test_a_job_runs_under_the_id_of_the_request_that_started_it(personas, caplog):
    seen_ids.clear()
    with ops.request_id_context("req-0123456789"), caplog.at_level(logging.INFO):
        job = jobs.start(task=remember_request_id, owner=personas.township_a, kind="test", title="t")
    assert job.state == Job.State.SUCCEEDED
    assert seen_ids == ["req-0123456789"]
    assert "_request_id" in job.params  # kept with the job for a worker on another machine
    # …and a job started outside a request gets an id of its own.
    jobs.start(task=remember_request_id, owner=personas.township_a, kind="test", title="t")
    assert len(seen_ids[1]) == 32 and seen_ids[1] != "req-0123456789"


def test_json_log_lines_carry_the_request_id_and_the_exception():
    formatter = ops.JsonFormatter()
    request_filter = ops.RequestIdFilter()
    try:
        raise ValueError("坏了")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "dangjian.x", logging.ERROR, __file__, 1, "失败 %s", ("一",), sys.exc_info()
        )
    with ops.request_id_context("req-abcdefgh"):
        request_filter.filter(record)
        line = json.loads(formatter.format(record))
    assert line["message"] == "失败 一" and line["level"] == "ERROR" and line["logger"] == "dangjian.x"
    assert line["request_id"] == "req-abcdefgh"
    assert "ValueError: 坏了" in line["exception"] and line["time"].endswith("+00:00")


def test_the_logging_configuration_writes_json_when_asked(monkeypatch):
    assert django_settings.LOGGING["handlers"]["console"]["filters"] == ["request_id"]
    assert set(django_settings.LOGGING["formatters"]) == {"json", "text"}


# ------------------------------------------------------------------ health


def test_the_health_check_reports_database_migrations_and_queue(client):
    answer = client.get(reverse("health"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["checks"] == {"database": "ok", "migrations": "ok"}
    assert body["queue"]["waiting"] == 0 and body["queue"]["oldest_seconds"] == 0
    assert answer["Cache-Control"].startswith("max-age=0")


def test_a_waiting_queue_is_reported_without_taking_the_server_out(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    result = remember_request_id.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=20))
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok" and body["queue"]["waiting"] == 1
    assert 1190 < body["queue"]["oldest_seconds"] < 1300 and "worker" in body["queue"]["warning"]


def test_pending_migrations_or_a_silent_database_take_the_server_out(client, monkeypatch):
    monkeypatch.setattr(ops, "_pending_migrations", lambda: 2)
    answer = client.get(reverse("health"))
    assert answer.status_code == 503 and answer.json()["checks"]["migrations"] == "2 not applied"

    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(ops, "connections", {"default": Down()})
    answer = client.get(reverse("health"))
    assert answer.status_code == 503 and answer.json()["checks"] == {"database": "fail"}


def test_the_health_check_finds_a_real_pending_migration(monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    monkeypatch.setattr(ops, "_migrations_done", False)
    assert ops._pending_migrations() == 0
    monkeypatch.setattr(ops, "_migrations_done", False)
    MigrationRecorder.Migration.objects.filter(app="core").order_by("-id")[:1].get().delete()
    assert ops._pending_migrations() == 1


# ------------------------------------------------------------------ metrics


def test_metrics_are_only_for_the_monitoring_host_or_its_token(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3"]
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get(reverse("metrics")).status_code == 403  # 127.0.0.1 is no longer on the list
    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.1.2.3").status_code == 200
    answer = client.get(reverse("metrics"), headers={"Authorization": "Bearer s3cret-token-for-prometheus"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")


def _metric(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_view_logins_failed_jobs_and_the_queue(client, personas):
    before = client.get(reverse("metrics")).content.decode()
    client.get(reverse("login"))
    client.post(reverse("login"), {"username": personas.township_a.username, "password": "wrong"})
    jobs.start(task=remember_request_id, owner=personas.township_a, kind="test.metrics", title="t")
    after = client.get(reverse("metrics")).content.decode()

    def grew(name, **labels):
        return _metric(after, name, **labels) - _metric(before, name, **labels)

    assert grew("dangjian_request_duration_seconds_count", view="login", method="GET") == 1
    assert grew("dangjian_requests_total", view="login", method="POST", status="2xx") == 1
    assert grew("dangjian_login_failures_total") == 1
    assert grew("dangjian_job_duration_seconds_count", kind="test.metrics", state="succeeded") == 1
    assert "dangjian_task_queue_depth 0.0" in after
    assert "dangjian_task_queue_oldest_age_seconds 0.0" in after


# ------------------------------------------------------------------ the production server


def test_the_gunicorn_configuration_keeps_connections_open():
    config = runpy.run_path(str(Path(django_settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread" and config["threads"] >= 2
    assert config["keepalive"] >= 5 and config["workers"] >= 2
