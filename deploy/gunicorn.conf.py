"""How gunicorn serves the application: `make run` uses it, and so should a clinic's server.

    gunicorn --config deploy/gunicorn.conf.py

Every value can be changed through the environment: HOST and PORT (where to listen),
GUNICORN_WORKERS, GUNICORN_TIMEOUT. gunicorn speaks plain HTTP: a clinic puts a TLS-terminating
reverse proxy in front of it, and that proxy also caps the request body size (photo uploads).
"""

import multiprocessing
import os
from pathlib import Path


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "config.wsgi:application"
# The repository root, wherever gunicorn is started from.
chdir = str(Path(__file__).resolve().parent.parent)

bind = f"{os.environ.get('HOST', '').strip() or '127.0.0.1'}:{_env_int('PORT', 8000)}"
# X-Forwarded-Proto and X-Forwarded-For count only from the proxy on this machine (gunicorn's default,
# written down). Django itself believes X-Forwarded-Proto from whoever reaches gunicorn when
# DJANGO_BEHIND_TLS_PROXY=1: that is why gunicorn listens on 127.0.0.1 behind the proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1"

# Synchronous workers: each handles one request at a time, so (2 x cores) + 1 of them keep the CPUs
# busy while others wait on the database or the disk. Capped: each worker holds the whole
# application and a database connection, and a clinic's traffic is a handful of people.
workers = _env_int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))

# A worker that has not finished its request after this many seconds is killed and restarted. The
# longest request is the research export of every session (streamed, but in one request), so the
# limit is minutes, not gunicorn's default 30 seconds.
timeout = _env_int("GUNICORN_TIMEOUT", 300)
graceful_timeout = 30
keepalive = 5

# Request line and headers, checked before Django sees the request (gunicorn's own defaults, written
# down). Our longest URL is the export page's filter query, well under 4 KB.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# No runtime control socket (gunicornc): nothing here uses it, and its default path in $HOME would be
# shared by every gunicorn on the machine.
control_socket_disable = True

# The workers' heartbeat files in memory, not on a possibly slow or full disk (gunicorn creates them
# with mkstemp, private to its user).
_SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = _SHARED_MEMORY if os.path.isdir(_SHARED_MEMORY) else None

# Access log to standard output without query strings: a patient search (?q=Name) must not land in
# the logs. Fields: client, time, method, path, status, bytes, milliseconds.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# Tracebacks without their exception's message, which may quote patient data (as Django's own log has them).
logger_class = "config.gunicorn_logging.RedactingLogger"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "").strip() or "info"
