"""The WSGI application: the production web role (gunicorn, letmepost/gunicorn.conf.py).

Django runs as plain WSGI on gunicorn's threads, which costs less CPU per request than the ASGI
stack (docs/performance.md). Only `/mcp` needs ASGI (the MCP SDK): it is served by the same
AgentEndpoint as under `serve`, on one event-loop thread per process, bridged by a2wsgi.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.wsgi import get_wsgi_application

from letmepost.heap import freeze_startup_heap

if TYPE_CHECKING:
    from a2wsgi.asgi_typing import ASGIApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letmepost.settings")
django_application = get_wsgi_application()

MCP_PATH = "/mcp"


async def _start_lifespan(app: Any) -> None:
    """Send the ASGI lifespan startup (the MCP session manager's task group) and wait for it.

    The lifespan task then waits for a shutdown that never comes: the thread dies with the
    process, as uvicorn's would on a hard stop; the endpoint is stateless, nothing is lost.
    """
    started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    messages = [{"type": "lifespan.startup"}]

    async def receive() -> dict[str, str]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set_result(None)
        elif message["type"] == "lifespan.startup.failed":
            started.set_exception(RuntimeError(message.get("message", "")))

    _LIFESPANS.add(asyncio.create_task(app({"type": "lifespan"}, receive, send)))
    await started


# A reference to each lifespan task, so it is never garbage-collected.
_LIFESPANS: set[asyncio.Task[None]] = set()


class McpBridge:
    """Route `/mcp` to the ASGI MCP endpoint; everything else straight to Django's WSGI app."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self._mcp: Any = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").rstrip("/") != MCP_PATH:
            return self.app(environ, start_response)
        return self._bridge()(environ, start_response)

    def _bridge(self) -> Any:
        """Started on the first `/mcp` call, in the worker process (never before a fork)."""
        with self._lock:
            if self._mcp is None:
                from a2wsgi import ASGIMiddleware
                from django.core.asgi import get_asgi_application

                from letmepost.agent_server import AgentEndpoint

                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="mcp-loop", daemon=True
                ).start()
                endpoint = AgentEndpoint(get_asgi_application())
                asyncio.run_coroutine_threadsafe(
                    _start_lifespan(endpoint), loop
                ).result(timeout=30)
                # a2wsgi types scopes as TypedDicts, starlette as plain mappings: same dicts.
                self._mcp = ASGIMiddleware(cast("ASGIApp", endpoint), loop=loop)
            return self._mcp


application = McpBridge(django_application)

freeze_startup_heap()  # gunicorn loads this module in each worker, before it serves
