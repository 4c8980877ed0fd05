"""gunicorn settings for the production web role (Procfile `web`, the image's `web` role).

Python spends ~4-8 ms of CPU per API write, so one process serves at most one core's worth;
requests run in parallel across `LETMEPOST_WEB_WORKERS` processes (default: two per CPU), each
with `LETMEPOST_WEB_THREADS` threads to overlap database and Redis waits. Each process keeps a
pool of PostgreSQL connections (LETMEPOST_DB_POOL_SIZE) instead of connecting per request.
Figures and the alternatives measured: docs/performance.md.
"""

from __future__ import annotations

import os

# Two processes per CPU of two threads each: one process's GIL-bound request runs while the other
# waits on PostgreSQL or Redis. Measured against one per CPU of 4 threads (docs/performance.md,
# fourth pass): ~1.5x the accepted posts per second and half the p99, for ~120 MB per process.
workers = int(
    os.environ.get("LETMEPOST_WEB_WORKERS") or 2 * len(os.sched_getaffinity(0))
)
threads = int(os.environ.get("LETMEPOST_WEB_THREADS") or 2)
bind = f"{os.environ.get('LETMEPOST_HOST', '127.0.0.1')}:{os.environ.get('LETMEPOST_PORT', '8000')}"
worker_class = "gthread"
# One process runs Python on one core at a time, so clients must spread over the processes: with
# an unbounded accept, one process could take most keep-alive connections of a burst and queue
# them behind its lock while the others idle (rounds alternating 240 and 450 req/s with 40 % of
# the CPU idle: docs/performance.md, seventh pass). Each process holds at most this many
# connections; further clients wait in the listen backlog until one closes, which the short
# keep-alive below bounds. Many direct clients: a proxy in front keeps a few upstream ones.
worker_connections = int(os.environ.get("LETMEPOST_WEB_CONNECTIONS") or 2 * threads)
# Seconds an idle keep-alive connection is held (clients and proxies reuse them).
keepalive = 2
graceful_timeout = 20  # SIGTERM: finish in-flight requests first
# A worker silent this long is restarted (immediate publishes wait on platforms).
timeout = 60
# Recycle workers now and then, with jitter so they never restart together.
max_requests = 20_000
max_requests_jitter = 2_000
accesslog = None  # letmepost's own request logging (LOGGING) covers requests
wsgi_app = "letmepost.wsgi:application"

# Read by letmepost.settings in each worker. A request thread holds one connection, and an
# immediate publish lends one to each of its fan-out threads (PUBLISH_FANOUT = 7) while they
# wait on platforms; connections open only when needed and idle ones close after 10 minutes.
os.environ.setdefault("LETMEPOST_DB_POOL_SIZE", str(threads * 8))
# No control socket (gunicornc): its default path, $HOME/.gunicorn, is shared between processes.
control_socket_disable = True
