"""The MCP server for agents: our public API as tools, at `/mcp` (streamable HTTP).

Every tool is one call to our own `/v1` API, made in-process through the ASGI app with the
caller's API key, so an agent gets exactly what an HTTP client gets: the same authentication,
tenant isolation, rate limits, idempotency and preflight. A refused call comes back as a tool
error whose text is the API's error envelope (code, rule, remediation, docUrl…), which is what an
agent needs to fix its arguments and try again. `letmepost mcp` in the Python SDK bridges a
desktop agent's stdio to this endpoint.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import httpx2
from asgiref.sync import sync_to_async
from django.conf import settings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field

from accounts.services import authenticate_api_key
from letmepost.api.errors import envelope
from letmepost.api.request_id import new_request_id
from letmepost.errors import LetmepostError, Unauthenticated

ASGIApp = Callable[..., Awaitable[None]]

INSTRUCTIONS = (
    "letmepost publishes one post to many social accounts. Call list_accounts to find account "
    "ids, validate_post before publishing, then publish_post or schedule_post with an "
    "idempotencyKey you keep for retries. A failed call returns the error envelope: read its "
    "rule and remediation, fix the arguments, and call again."
)


# Tool argument types (module level: the MCP SDK resolves annotations by name).
AccountIds = Annotated[
    list[str], Field(description="Account ids from list_accounts.", min_length=1)
]
Options = Annotated[
    dict[str, Any] | None,
    Field(description="Per-platform options, as in POST /v1/posts targets[].options."),
]
MediaIds = Annotated[
    list[str] | None, Field(description="Media ids from upload_media.")
]
Key = Annotated[
    str | None,
    Field(
        description="Idempotency-Key: send the same value when retrying the same post."
    ),
]


class ApiCaller:
    """Calls our `/v1` API in-process with the MCP request's own Authorization header."""

    def __init__(self, django_app: ASGIApp) -> None:
        self.django_app = django_app

    async def __call__(
        self,
        ctx: Context,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        request = ctx.request_context.request
        headers = {"Authorization": request.headers.get("authorization", "")}
        if method != "GET":
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        transport = httpx2.ASGITransport(app=self.django_app)
        async with httpx2.AsyncClient(
            transport=transport, base_url=settings.PUBLIC_URL, timeout=120
        ) as client:
            response = await client.request(
                method,
                f"/v1{path}",
                json=body,
                params={k: v for k, v in (params or {}).items() if v is not None},
                headers=headers,
            )
        if response.status_code >= 400:
            raise ToolError(response.text)  # the envelope, verbatim
        return response.json()


def build_server(django_app: ASGIApp) -> MCPServer:
    api = ApiCaller(django_app)
    server = MCPServer(
        name="letmepost", instructions=INSTRUCTIONS, version="1", log_level="WARNING"
    )

    def post_body(
        text: str, account_ids: list[str], media_ids: list[str] | None, options: Any
    ) -> dict[str, Any]:
        targets = [
            {"accountId": a, **({"options": options} if options else {})}
            for a in account_ids
        ]
        body: dict[str, Any] = {"text": text, "targets": targets}
        if media_ids:
            body["media"] = [{"mediaId": m} for m in media_ids]
        return body

    @server.tool(description="Publish a post now to one or more connected accounts.")
    async def publish_post(
        text: str,
        account_ids: AccountIds,
        ctx: Context,
        media_ids: MediaIds = None,
        options: Options = None,
        idempotency_key: Key = None,
    ) -> dict[str, Any]:
        body = post_body(text, account_ids, media_ids, options) | {"publishNow": True}
        return await api(
            ctx, "POST", "/posts", body=body, idempotency_key=idempotency_key
        )

    @server.tool(
        description="Schedule a post for a future time (ISO 8601 with offset)."
    )
    async def schedule_post(
        text: str,
        account_ids: AccountIds,
        scheduled_at: str,
        ctx: Context,
        media_ids: MediaIds = None,
        options: Options = None,
        idempotency_key: Key = None,
    ) -> dict[str, Any]:
        body = post_body(text, account_ids, media_ids, options) | {
            "scheduledAt": scheduled_at
        }
        return await api(
            ctx, "POST", "/posts", body=body, idempotency_key=idempotency_key
        )

    @server.tool(
        description="Check a post against every platform rule without publishing it."
    )
    async def validate_post(
        text: str,
        account_ids: AccountIds,
        ctx: Context,
        media_ids: MediaIds = None,
        options: Options = None,
    ) -> dict[str, Any]:
        body = post_body(text, account_ids, media_ids, options)
        return await api(ctx, "POST", "/posts/validate", body=body)

    @server.tool(description="List the connected social accounts and their ids.")
    async def list_accounts(ctx: Context) -> dict[str, Any]:
        return await api(ctx, "GET", "/accounts")

    @server.tool(description="List posts, newest first; filter by status or platform.")
    async def list_posts(
        ctx: Context,
        status: str | None = None,
        platform: str | None = None,
        cursor: str | None = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        params = {
            "status": status,
            "platform": platform,
            "cursor": cursor,
            "limit": limit,
        }
        return await api(ctx, "GET", "/posts", params=params)

    @server.tool(description="Get one post with its status, attempts and any error.")
    async def get_post(post_id: str, ctx: Context) -> dict[str, Any]:
        return await api(ctx, "GET", f"/posts/{post_id}")

    @server.tool(description="Cancel a scheduled post that has not been published yet.")
    async def cancel_post(post_id: str, ctx: Context) -> dict[str, Any]:
        return await api(ctx, "DELETE", f"/posts/{post_id}")

    @server.tool(
        description="Move a scheduled post to another time (ISO 8601 with offset)."
    )
    async def reschedule_post(
        post_id: str, scheduled_at: str, ctx: Context
    ) -> dict[str, Any]:
        body = {"scheduledAt": scheduled_at}
        return await api(ctx, "PATCH", f"/posts/{post_id}", body=body)

    @server.tool(
        description="Import an image or video from a public https URL; returns its media id."
    )
    async def upload_media(url: str, ctx: Context) -> dict[str, Any]:
        return await api(ctx, "POST", "/media", body={"url": url})

    @server.tool(
        description="The preflight rules (ids, limits, remediations), optionally for one platform."
    )
    async def list_preflight_rules(
        ctx: Context, platform: str | None = None
    ) -> dict[str, Any]:
        return await api(ctx, "GET", "/preflight/rules", params={"platform": platform})

    @server.tool(description="The upstream API version each platform is pinned to.")
    async def platform_versions(ctx: Context) -> dict[str, Any]:
        return await api(ctx, "GET", "/platform-versions")

    return server


class AgentEndpoint:
    """ASGI: `/mcp` goes to the MCP app (after an API-key check), the rest to Django.

    The MCP app needs its lifespan (it runs the session manager's task group), so lifespan
    events are forwarded to it; Django has none.
    """

    path = "/mcp"

    def __init__(self, django_app: ASGIApp) -> None:
        self.django_app = django_app
        server = build_server(django_app)
        self.mcp_app = server.streamable_http_app(
            streamable_http_path=self.path,
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(
                enable_dns_rebinding_protection=False  # Django's ALLOWED_HOSTS applies
            ),
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.mcp_app(scope, receive, send)
        elif scope["type"] == "http" and scope["path"].rstrip("/") == self.path:
            refusal = await sync_to_async(_refusal)(_header(scope, b"authorization"))
            if refusal is None:
                await self.mcp_app(scope, receive, send)
            else:
                await _send_error(refusal, send)
        else:
            await self.django_app(scope, receive, send)


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _refusal(authorization: str) -> LetmepostError | None:
    """Why this Authorization header may not use the MCP endpoint, or None when it may."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Unauthenticated(
            "The MCP endpoint needs an API key.",
            rule="auth.missing",
            remediation="Send `Authorization: Bearer <API key>` with every MCP request.",
        )
    if authenticate_api_key(token.strip()) is None:
        return Unauthenticated("API key is invalid or revoked.")
    return None


async def _send_error(exc: LetmepostError, send: Any) -> None:
    body = json.dumps(envelope(exc, new_request_id())).encode()
    headers = [(b"content-type", b"application/json")]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers().items()]
    await send(
        {"type": "http.response.start", "status": exc.status, "headers": headers}
    )
    await send({"type": "http.response.body", "body": body})
