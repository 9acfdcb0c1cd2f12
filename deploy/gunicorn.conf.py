"""gunicorn settings for an app server (``gunicorn -c deploy/gunicorn.conf.py dangjian.wsgi``).

Threaded workers keep database connections open between requests (``DB_CONN_MAX_AGE``) and keep
HTTP connections from the load balancer alive, so a request pays neither a new TCP connection nor a
new PostgreSQL connection. Every figure can be changed from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
# Two processes per core, a few threads each: pages wait on PostgreSQL more than they compute.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 30))  # longer than the load balancer's idle timeout
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # long work runs as a job, never in a request
graceful_timeout = 30
# Recycle a worker now and then so that a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """Drop a dead worker's Prometheus files (multi-process mode, PROMETHEUS_MULTIPROC_DIR)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
