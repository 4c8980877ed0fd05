"""The ASGI application `manage.py serve` runs (embedded mode, `make run`): `/mcp` and Django.

Django itself runs as WSGI on a pool of threads (a2wsgi), not through Django's ASGI handler:
that one runs every sync middleware and view of the process on asgiref's single thread, one
request after another, with a thread hand-off per request. Measured with
`bench.web_throughput --role embedded` on a quiet machine: ~30 % less CPU per request and
~1.5x the accepted posts per second (docs/performance.md). Only `/mcp` (the MCP SDK) is ASGI.
"""

import os
from typing import TYPE_CHECKING, cast

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

if TYPE_CHECKING:
    from a2wsgi.wsgi_typing import WSGIApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letmepost.settings")
# Threads overlap database waits; SQLite still takes one writer at a time (BEGIN IMMEDIATE).
# cast: Django's handler returns an HttpResponse, which iterates bytes as WSGI asks.
django_application = WSGIMiddleware(cast("WSGIApp", get_wsgi_application()), workers=8)

# Imported after Django is set up: the MCP endpoint calls our models and services.
from letmepost.agent_server import AgentEndpoint  # noqa: E402

application = AgentEndpoint(django_application)

from letmepost.heap import freeze_startup_heap  # noqa: E402

freeze_startup_heap()  # `serve` imports this module once, before it serves
