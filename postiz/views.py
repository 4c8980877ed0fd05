"""The Postiz public API (`/public/v1`, `/api/public/v1`): thin views over postiz.services.

Authentication is the shared `ApiAuthMiddleware` (which accepts the bare key on these paths);
these views only answer its outcome in Postiz's words. Every error leaves as a Postiz body with
our envelope's members added (postiz.errors).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import get_default_profile
from letmepost.api.auth import Principal
from letmepost.api.errors import translate
from letmepost.api.fields import format_datetime
from letmepost.api.parsers import JSONParser
from letmepost.api.ratelimit import hit
from letmepost.errors import LetmepostError, NotFound, RateLimited
from letmepost.ids import parse_uuid
from media import services as media_services
from media.api.uploads import FIELD, install_gate
from media.models import Media
from media.spool import max_media_bytes, too_large
from platforms.models import PlatformAccount
from platforms.registry import adapter_class
from platforms.selectors import get_account_for_workspace
from postiz import analytics, channels, errors, mapping, selectors, services
from postiz.media import media_object
from postiz.payloads import MEDIA_EXTENSIONS, parse_create, parse_date
from posts import selectors as post_selectors
from posts.models import PostTarget
from posts.services import Caller

HOUR = 3600
_SIZE = re.compile(r"larger than (\d+) bytes")


class PostizView(APIView):
    """Authenticated by the middleware; JSON in and out exactly as sent (no camelCase mapping)."""

    authentication_classes = ()
    permission_classes = ()
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    principal: Principal

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raw = request._request
        header = raw.headers.get("Authorization", "")
        if error := getattr(raw, "auth_error", None):
            token = header.split(" ", 1)[-1].strip()
            text = (
                "Invalid OAuth token" if token.startswith("pos_") else "Invalid API key"
            )
            raise errors.msg(text, 401, error)
        principal = getattr(raw, "principal", None)
        if principal is None:
            raise errors.msg("No API Key found", 401)
        self.principal = principal

    # DRF finalizes any HttpResponse; the stubs want its Response subclass.
    def handle_exception(self, exc: Exception) -> HttpResponse:  # type: ignore[override]
        raw = self.request._request
        if isinstance(exc, errors.PostizError):
            return errors.render(exc, raw)
        error = translate(exc)
        if error is None:
            raise exc  # a bug: ApiBoundaryMiddleware logs it, ours reshapes the 500
        return errors.render(errors.from_error(error), raw)

    @property
    def caller(self) -> Caller:
        p = self.principal
        return Caller(
            workspace=p.workspace,
            scope=p.profile,
            livemode=p.livemode,
            api_key=p.api_key,
            user=p.user,
        )

    def account(self, integration_id: str) -> PlatformAccount:
        try:
            return get_account_for_workspace(
                self.principal.workspace, integration_id, scope=self.principal.profile
            )
        except NotFound as exc:
            raise errors.msg("Integration not found", 404, exc) from None

    def target(self, post_id: str, *, status: int = 404) -> PostTarget:
        try:
            return post_selectors.get_target_for_workspace(
                self.principal.workspace,
                post_id,
                livemode=self.principal.livemode,
                scope=self.principal.profile,
            )
        except NotFound as exc:
            if status == 404:
                raise errors.msg("Post not found", 404, exc) from None
            raise errors.nest("Post not found", status, exc) from None


def _body(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


@extend_schema(exclude=True)
class PostsApi(PostizView):
    def get(self, request: Request) -> Response:
        params = request.query_params
        start, end = (
            parse_date(params.get("startDate")),
            parse_date(params.get("endDate")),
        )
        problems = [
            f"{name} must be a valid ISO 8601 date string"
            for name, value in (("startDate", start), ("endDate", end))
            if value is None
        ]
        if problems:
            raise errors.nest(problems)
        assert start is not None and end is not None
        customer = params.get("customer") or None
        if customer and parse_uuid(customer) is None:
            return Response({"posts": []})
        targets = selectors.posts_between(self.caller, start, end, customer)
        return Response({"posts": [mapping.post(t) for t in targets]})

    def post(self, request: Request) -> Response:
        window = hit(
            f"postiz-posts:{self.principal.workspace.pk}",
            limit=settings.POSTIZ_API_LIMIT,
            window=HOUR,
        )
        if window.exceeded:
            raise RateLimited(retry_after=window.reset)
        created = services.create(
            caller=self.caller, request=parse_create(request.data)
        )
        return Response(
            [{"postId": str(t.pk), "integration": i} for t, i in created], status=201
        )


@extend_schema(exclude=True)
class PostApi(PostizView):
    def delete(self, request: Request, post_id: str) -> Response:
        target = self.target(post_id)
        meta = getattr(target, "postiz", None)
        if meta is not None:
            services.delete_group(self.caller, meta.group)
        else:
            services.delete_target(target)
        return Response({"error": True})  # Postiz's success body, quirk included


@extend_schema(exclude=True)
class PostGroupApi(PostizView):
    def delete(self, request: Request, group: str) -> Response:
        services.delete_group(self.caller, group)
        return Response({"error": True})


@extend_schema(exclude=True)
class PostStatusApi(PostizView):
    # Promoting a draft whose time has passed publishes it in-request: no long transaction.
    idempotency_atomic = False

    def put(self, request: Request, post_id: str) -> Response:
        target = self.target(post_id, status=400)
        wanted = _body(request).get("status")
        if wanted not in ("draft", "schedule"):
            raise errors.nest(
                ["status must be one of the following values: draft, schedule"]
            )
        state = services.set_status(self.caller, target, wanted)
        return Response({"id": str(target.pk), "state": state})


@extend_schema(exclude=True)
class PostSettingsApi(PostizView):
    def put(self, request: Request, post_id: str) -> Response:
        target = self.target(post_id)
        settings_in = _body(request).get("settings")
        if not isinstance(settings_in, dict):
            raise errors.nest(["settings must be an object"])
        services.update_settings(target, settings_in)
        return Response(
            {
                "postId": str(target.pk),
                "publishDate": mapping.post(target)["publishDate"],
            }
        )


@extend_schema(exclude=True)
class PostReleaseIdApi(PostizView):
    def put(self, request: Request, post_id: str) -> Response:
        self.target(post_id)
        raise errors.nest(
            "letmepost records the platform id of every post itself (it reconciles unknown "
            "outcomes), so a release id cannot be linked by hand"
        )


@extend_schema(exclude=True)
class PostMissingApi(PostizView):
    def get(self, request: Request, post_id: str) -> Response:
        self.target(post_id)
        return Response([])  # a post's release id is never "missing" here


@extend_schema(exclude=True)
class IntegrationsApi(PostizView):
    def get(self, request: Request) -> Response:
        customer = request.query_params.get("group") or None
        if customer and parse_uuid(customer) is None:
            return Response([])
        accounts = selectors.integrations(
            self.principal.workspace, self.principal.profile, customer
        )
        return Response([mapping.integration(a) for a in accounts])


@extend_schema(exclude=True)
class IntegrationApi(PostizView):
    def delete(self, request: Request, integration_id: str) -> Response:
        account = self.account(integration_id)
        channels.disconnect(self.caller, account)
        return Response(
            mapping.integration(account)
            | {"deletedAt": format_datetime(timezone.now())}
        )


@extend_schema(exclude=True)
class SocialApi(PostizView):
    def get(self, request: Request, platform: str) -> Response:
        """`platform` is Postiz's provider identifier (`x`, `linkedin-page`, …)."""
        refresh = request.query_params.get("refresh")
        account = self.account(refresh) if refresh else None
        return Response({"url": channels.connect_url(self.caller, platform, account)})


@extend_schema(exclude=True)
class IntegrationSettingsApi(PostizView):
    def get(self, request: Request, integration_id: str) -> Response:
        account = self.account(integration_id)
        adapter = adapter_class(account.platform)
        options = sorted(mapping.OPTIONS.get(account.platform, {}))
        return Response(
            {
                "output": {
                    "rules": f"{adapter.display_name}: every post runs letmepost's preflight "
                    f"rules, listed at /v1/preflight/rules?platform={account.platform}.",
                    "maxLength": getattr(adapter, "max_text_length", None),
                    "settings": {
                        "type": "object",
                        "properties": {k: {} for k in options},
                    }
                    if options
                    else "No additional settings required",
                    "tools": [],
                }
            }
        )


@extend_schema(exclude=True)
class IntegrationTriggerApi(PostizView):
    def post(self, request: Request, integration_id: str) -> Response:
        self.account(integration_id)
        raise errors.msg("Tool not found", 404)


@extend_schema(exclude=True)
class GroupsApi(PostizView):
    def get(self, request: Request) -> Response:
        profiles = self.principal.workspace.profiles.order_by("created_at")
        if self.principal.profile is not None:
            profiles = profiles.filter(pk=self.principal.profile.pk)
        return Response([{"id": str(p.pk), "name": p.name} for p in profiles])


@extend_schema(exclude=True)
class IsConnectedApi(PostizView):
    def get(self, request: Request) -> Response:
        return Response({"connected": True})


@extend_schema(exclude=True)
class FindSlotApi(PostizView):
    def get(self, request: Request, integration_id: str) -> Response:
        slot = services.find_slot(
            self.account(integration_id), livemode=self.caller.livemode
        )
        return Response({"date": slot.strftime("%Y-%m-%dT%H:%M:%S")})


@extend_schema(exclude=True)
class AnalyticsApi(PostizView):
    def get(self, request: Request, integration_id: str) -> Response:
        account = self.account(integration_id)
        days = analytics.window_days(request.query_params.get("date"))
        return Response(analytics.channel(self.caller, account, days))


@extend_schema(exclude=True)
class PostAnalyticsApi(PostizView):
    def get(self, request: Request, post_id: str) -> Response:
        return Response(analytics.post(self.target(post_id)))


@extend_schema(exclude=True)
class NotificationsApi(PostizView):
    def get(self, request: Request) -> Response:
        page = request.query_params.get("page", "0")
        return Response(
            {
                "notifications": [],
                "total": 0,
                # isdecimal, not isdigit: int() refuses "²"; short: and 5,000 digits
                "page": int(page) if page.isdecimal() and len(page) < 10 else 0,
                "limit": 100,
                "hasMore": False,
            }
        )


class _MediaIngest(PostizView):
    # Uploads and fetches are slow: never inside the idempotency layer's transaction.
    idempotency_atomic = False

    def ingest(
        self,
        store: Callable[..., Media],
        source: Any,
        error: Callable[[LetmepostError], errors.PostizError],
    ) -> Response:
        """Store an upload or a URL's file (`store`) in the key's profile; Postiz's errors."""
        profile = self.principal.profile or get_default_profile(
            workspace=self.principal.workspace
        )
        try:
            media = store(
                self.principal.workspace,
                profile,
                source,
                livemode=self.principal.livemode,
            )
        except LetmepostError as exc:
            raise error(exc) from None
        return Response(media_object(media), status=201)


@extend_schema(exclude=True)
class UploadApi(_MediaIngest):
    def post(self, request: Request) -> Response:
        upload = _uploaded_file(request._request)
        return self.ingest(media_services.ingest_upload, upload, _upload_error)


@extend_schema(exclude=True)
class UploadFromUrlApi(_MediaIngest):
    def post(self, request: Request) -> Response:
        url = _body(request).get("url")
        if not isinstance(url, str):
            raise errors.nest(["url must be a string"])
        if not url.split("?", 1)[0].lower().endswith(MEDIA_EXTENSIONS):
            raise errors.nest(
                [f"url must end with one of {', '.join(MEDIA_EXTENSIONS)}"]
            )
        return self.ingest(media_services.ingest_url, url, _fetch_error)


def _uploaded_file(request: HttpRequest) -> UploadedFile:
    """The one `file` part, through the media API's upload gate (nothing over the cap is kept)."""
    limit = max_media_bytes()
    gate = install_gate(request, limit)
    try:
        files = (
            request.FILES.getlist(FIELD)
            if request.content_type == "multipart/form-data"
            else []
        )
    except RequestDataTooBig:
        raise _upload_error(too_large(limit)) from None
    except (MultiPartParserError, SuspiciousOperation, UnreadablePostError):
        files = []
    if gate is not None and gate.too_large:
        raise _upload_error(too_large(limit))
    if not files:
        raise errors.msg("No file provided", 400)
    return files[0]


def _upload_error(exc: LetmepostError) -> errors.PostizError:
    if exc.rule == "media.type_unsupported":
        return errors.nest("Unsupported file type.", 400, exc)
    if exc.rule == "media.size_max":
        size = _SIZE.search(exc.message)
        limit = size.group(1) if size else str(max_media_bytes())
        return errors.nest(
            f"File size exceeds the maximum allowed size of {limit} bytes.", 400, exc
        )
    return errors.from_error(exc)


def _fetch_error(exc: LetmepostError) -> errors.PostizError:
    rule = exc.rule or ""
    if rule == "media.type_unsupported":
        return errors.msg("Unsupported file type.", 400, exc)
    if rule == "media.size_max":
        return errors.msg("File is too large.", 400, exc)
    if rule.startswith("url."):
        return errors.nest([exc.message], 400, exc)  # not a public http(s) URL
    return errors.msg("Failed to fetch URL", 400, exc)
