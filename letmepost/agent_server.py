"""The MCP server for agents: our public API as tools, at `/mcp` (streamable HTTP).

Two tool sets: letmepost.dev's, one per `/v1` operation and derived from our OpenAPI
(`get_v1_posts_by_id`…, letmepost/agent_tools.py), so agents written for letmepost.dev work
unchanged; and task-shaped tools (`publish_post`, `validate_post`…) that read better in a prompt.
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
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

import httpx2
import mcp_types
from asgiref.sync import sync_to_async
from corsheaders.conf import conf as cors
from django.conf import settings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from accounts.oauth.selectors import access_for_token
from accounts.services import authenticate_api_key
from letmepost.agent_tools import BadArguments, our_operations
from letmepost.api.auth import OAuthUnauthenticated, is_oauth_token
from letmepost.api.errors import envelope
from letmepost.api.request_id import new_request_id
from letmepost.errors import LetmepostError, Unauthenticated

ASGIApp = Callable[..., Awaitable[None]]

INSTRUCTIONS = (
    "letmepost publishes one post to many social accounts. Call list_accounts to find account "
    "ids, validate_post before publishing, then publish_post or schedule_post with an "
    "idempotency_key you keep for retries. A failed call returns the error envelope: read its "
    "rule and remediation, fix the arguments, and call again. The tools named after HTTP "
    "operations (post_v1_posts, get_v1_posts_by_id, ...) are the /v1 API itself, one per "
    "operation, as letmepost.dev's MCP server names them."
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
        if request is None:  # tools are only served over HTTP (/mcp)
            raise ToolError("This tool needs the HTTP request it came in on.")
        headers = {"Authorization": request.headers.get("authorization", "")}
        if method != "GET":
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        transport = httpx2.ASGITransport(app=self.django_app)
        async with httpx2.AsyncClient(
            transport=transport, base_url=settings.PUBLIC_URL, timeout=120
        ) as client:
            response = await client.request(
                method,
                path,
                json=body,
                params={k: v for k, v in (params or {}).items() if v is not None},
                headers=headers,
            )
        if response.status_code >= 400:
            raise ToolError(response.text)  # the envelope, verbatim
        return response.json()


class AgentServer(MCPServer):
    """MCPServer whose tool list also holds one tool per `/v1` operation of our OpenAPI.

    Those tools have JSON Schemas from the document rather than Python signatures, so they are
    listed and dispatched here instead of being registered as functions.
    """

    def __init__(self, api: ApiCaller) -> None:
        super().__init__(
            name="letmepost",
            instructions=INSTRUCTIONS,
            version="1",
            log_level="WARNING",
        )
        self.api = api

    async def list_tools(self) -> list[mcp_types.Tool]:
        operations = await sync_to_async(our_operations)()
        return [
            *await super().list_tools(),
            *(
                mcp_types.Tool(
                    name=op.name,
                    description=op.description,
                    input_schema=op.input_schema,
                )
                for op in operations.values()
            ),
        ]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Any = None
    ) -> Any:
        operation = (await sync_to_async(our_operations)()).get(name)
        if operation is None:
            return await super().call_tool(name, arguments, context)
        try:
            request = operation.request(arguments)
            body = await self.api(
                context,
                operation.method,
                request.path,
                body=request.body,
                params=request.params,
                idempotency_key=request.idempotency_key,
            )
        except (ToolError, BadArguments) as exc:
            raise ToolError(f"Error executing tool {name}: {exc}") from exc
        return mcp_types.CallToolResult(
            content=[
                mcp_types.TextContent(type="text", text=json.dumps(body, indent=2))
            ],
            structured_content=body if isinstance(body, dict) else None,
        )


def build_server(django_app: ASGIApp) -> MCPServer:
    api = ApiCaller(django_app)
    server = AgentServer(api)

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
            ctx, "POST", "/v1/posts", body=body, idempotency_key=idempotency_key
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
            ctx, "POST", "/v1/posts", body=body, idempotency_key=idempotency_key
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
        return await api(ctx, "POST", "/v1/posts/validate", body=body)

    @server.tool(description="List the connected social accounts and their ids.")
    async def list_accounts(ctx: Context) -> dict[str, Any]:
        return await api(ctx, "GET", "/v1/accounts")

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
        return await api(ctx, "GET", "/v1/posts", params=params)

    @server.tool(description="Get one post with its status, attempts and any error.")
    async def get_post(post_id: str, ctx: Context) -> dict[str, Any]:
        return await api(ctx, "GET", f"/v1/posts/{post_id}")

    @server.tool(description="Cancel a scheduled post that has not been published yet.")
    async def cancel_post(post_id: str, ctx: Context) -> dict[str, Any]:
        return await api(ctx, "DELETE", f"/v1/posts/{post_id}")

    @server.tool(
        description="Move a scheduled post to another time (ISO 8601 with offset)."
    )
    async def reschedule_post(
        post_id: str, scheduled_at: str, ctx: Context
    ) -> dict[str, Any]:
        body = {"scheduledAt": scheduled_at}
        return await api(ctx, "PATCH", f"/v1/posts/{post_id}", body=body)

    @server.tool(
        description="Import an image or video from a public https URL; returns its media id."
    )
    async def upload_media(url: str, ctx: Context) -> dict[str, Any]:
        return await api(ctx, "POST", "/v1/media", body={"url": url})

    @server.tool(
        description="The preflight rules (ids, limits, remediations), optionally for one platform."
    )
    async def list_preflight_rules(
        ctx: Context, platform: str | None = None
    ) -> dict[str, Any]:
        return await api(
            ctx, "GET", "/v1/preflight/rules", params={"platform": platform}
        )

    @server.tool(description="The upstream API version each platform is pinned to.")
    async def platform_versions(ctx: Context) -> dict[str, Any]:
        return await api(ctx, "GET", "/v1/platform-versions")

    return server


class AgentEndpoint:
    """ASGI: `/mcp` goes to the MCP app (after a key or token check), the rest to Django.

    The MCP app needs its lifespan (it runs the session manager's task group), so lifespan
    events are forwarded to it; Django has none. `/mcp` never passes Django's middleware, so
    Starlette's CORS middleware (the MCP SDK's own stack) applies the CORS_* settings here,
    outside the key check: a browser's preflight carries no credentials.
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
        self.mcp_entry = CORSMiddleware(
            self._authorized_mcp,
            allow_origins=cors.CORS_ALLOWED_ORIGINS,
            allow_methods=cors.CORS_ALLOW_METHODS,
            allow_headers=cors.CORS_ALLOW_HEADERS,
            expose_headers=cors.CORS_EXPOSE_HEADERS,
            max_age=cors.CORS_PREFLIGHT_MAX_AGE,
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.mcp_app(scope, receive, send)
        elif scope["type"] == "http" and scope["path"].rstrip("/") == self.path:
            await self.mcp_entry(scope, receive, send)
        else:
            await self.django_app(scope, receive, send)

    async def _authorized_mcp(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = await sync_to_async(_refusal)(_header(scope, b"authorization"))
        if refusal is None:
            await self.mcp_app(scope, receive, send)
        else:
            await _send_error(refusal, send)


def _header(scope: Mapping[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _refusal(authorization: str) -> LetmepostError | None:
    """Why this Authorization header may not use the MCP endpoint, or None when it may.

    An API key or an OAuth access token may; each tool call is then authorised again by /v1
    (a `read` token lists but cannot publish). A 401 names our OAuth metadata, so MCP clients
    that follow the MCP authorization spec can sign the person in.
    """
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return OAuthUnauthenticated(
            "The MCP endpoint needs an API key or an OAuth access token.",
            rule="auth.missing",
            remediation="Send `Authorization: Bearer <API key or access token>` with every MCP request.",
            resource="mcp",
        )
    if is_oauth_token(token):
        if access_for_token(token) is None:
            return OAuthUnauthenticated(
                "Access token is invalid, expired or revoked.",
                rule="oauth.token_invalid",
                resource="mcp",
            )
        return None
    if authenticate_api_key(token) is None:
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
