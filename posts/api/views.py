"""`/v1/posts`: create (publish now, schedule or draft), validate, the log, update and cancel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import get_profile_for_workspace
from letmepost.api import pagination
from letmepost.api.fields import UtcDateTimeField
from letmepost.api.idempotency import complete, hold
from letmepost.api.views import ApiView
from letmepost.errors import NotFound, ValidationFailed
from letmepost.ids import parse_uuid
from letmepost.models import IdempotencyRecord
from platforms.registry import KNOWN_PLATFORMS
from posts import drafts, selectors, services
from posts.api.presenters import batch_response
from posts.api.serializers import (
    CreatePostIn,
    CreatePostOut,
    PostDetailOut,
    PostOut,
    RetryPostIn,
    UpdatedPostOut,
    UpdatePostIn,
    draft_edits,
    to_request,
)
from posts.models import Post, PostTarget
from posts.publishing import commit_then_publish
from posts.requests import TargetRequest
from posts.retry import retry_target

SANDBOX_HEADER = "Letmepost-Sandbox-Outcome"


def _comma_list(values: Any) -> dict[str, Any]:
    """A comma-separated list of enum values (repeating the parameter also works)."""
    one = "|".join(values)
    return {"type": "string", "pattern": f"^({one})(,({one}))*$"}


def _holding(
    record: IdempotencyRecord | None,
) -> Callable[[services.Created], None] | None:
    """Write the request's key down with the post it creates, before that post publishes."""
    if record is None:
        return None
    return lambda created: hold(record, str(created.post.pk))


class PostCaller(ApiView):
    def caller(self) -> services.Caller:
        p = self.principal
        return services.Caller(
            workspace=p.workspace,
            scope=p.profile,
            livemode=p.livemode,
            api_key=p.api_key,
            user=p.user,
        )


_ValidateOut = inline_serializer(
    "ValidatePostResponse",
    fields={
        "valid": serializers.BooleanField(),
        "results": inline_serializer(
            "ValidateTargetResult",
            fields={
                "accountId": serializers.UUIDField(),
                "platform": serializers.CharField(),
                "valid": serializers.BooleanField(),
                "violations": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        ),
    },
)


@extend_schema(tags=["posts"])
class PostListApi(PostCaller):
    # Immediate publishing calls platforms in-request: never inside one long transaction.
    idempotency_atomic = False

    @extend_schema(
        operation_id="createPost",
        request=CreatePostIn,
        responses={200: CreatePostOut, 201: CreatePostOut, 202: CreatePostOut},
        parameters=[
            OpenApiParameter(
                "Prefer",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="`respond-async`: answer 202 at once and publish in the background.",
            ),
            OpenApiParameter(
                SANDBOX_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Force an outcome (an error code) for sandboxed targets.",
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        """Publish, schedule or save a post.

        One post to up to 25 targets (connected accounts). Without `scheduledAt` it is published in
        the request (200); with `scheduledAt` it is queued (202); with `draft` it is only stored
        (201). Every target is checked by preflight first: a violation refuses the request with
        `preflight_failed` and every violation, before anything is stored. Send `Idempotency-Key` to
        retry safely.
        """
        record = getattr(request._request, "idempotency", None)
        if record is not None and record.resource_id:
            # The first request with this key died mid-way: answer with what it created.
            post = Post.objects.get(
                pk=record.resource_id, workspace=self.principal.workspace
            )
            body = batch_response(post)
            status = 201 if body["status"] == "draft" else None
            return Response(body, status=status or (202 if post.scheduled_at else 200))
        wanted = to_request(self.validated(CreatePostIn))
        stored: Response | None = None

        def remember(created: services.Created) -> None:
            """The key, in the post's own commit: with the answer itself when it is final."""
            nonlocal stored
            if record is None:
                return
            if created.claims:
                hold(record, str(created.post.pk))
            else:  # nothing publishes in-request: one INSERT, no separate reservation
                stored = self._created(request, created, created.targets, record)

        planned = services.plan_post(  # before the write transaction: reads only
            caller=self.caller(),
            request=wanted,
            sandbox_outcome=request.headers.get(SANDBOX_HEADER) or None,
            run_async="respond-async" in request.headers.get("Prefer", ""),
            draft=wanted.draft,
        )
        created = commit_then_publish(planned.store, in_commit=remember)
        if stored is not None:
            return stored
        # Published targets changed since they were stored: read those again.
        return self._created(
            request, created, None if created.claims else created.targets, None
        )

    def _created(
        self,
        request: Request,
        created: services.Created,
        stored: list[PostTarget] | None,
        record: IdempotencyRecord | None,
    ) -> Response:
        body = batch_response(created.post, created.violations(), stored)
        draft = body["status"] == "draft"
        response = Response(
            body, status=201 if draft else 200 if created.claims else 202
        )
        if record is not None:
            response = self.finalize_response(request, response)
            complete(record, response.render())
        return response

    @extend_schema(
        operation_id="listPosts",
        parameters=[
            OpenApiParameter("status", _comma_list(PostTarget.Status.values)),
            OpenApiParameter("platform", _comma_list(KNOWN_PLATFORMS)),
            OpenApiParameter("accountId", OpenApiTypes.UUID),
            OpenApiParameter("profileId", OpenApiTypes.UUID),
            OpenApiParameter(
                "errorCode", OpenApiTypes.STR, description="Comma-separated."
            ),
            OpenApiParameter("after", OpenApiTypes.DATETIME),
            OpenApiParameter("before", OpenApiTypes.DATETIME),
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
            ),
            OpenApiParameter("livemode", OpenApiTypes.BOOL),
            *pagination.page_parameters(200),
        ],
        responses={200: pagination.page_schema("PostList", PostOut(many=True))},
    )
    def get(self, request: Request) -> Response:
        """List posts (the post log).

        One row per target, newest first, filtered by status, platform, account, profile, error
        code, time range or text (`q`), a page at a time (`cursor`).
        """
        filters, limit = parse_log_query(self, request.query_params)
        page, next_cursor = pagination.page_after(
            selectors.list_targets(
                self.principal.workspace, filters, livemode=self.principal.livemode
            ),
            request.query_params.get("cursor"),
            limit,
        )
        return Response(
            {"data": PostOut(page, many=True).data, "nextCursor": next_cursor}
        )


@extend_schema(tags=["posts"])
class PostValidateApi(PostCaller):
    @extend_schema(
        operation_id="validatePost", request=CreatePostIn, responses={200: _ValidateOut}
    )
    def post(self, request: Request) -> Response:
        """Validate a post without sending it.

        Takes the body of `POST /v1/posts`, resolves its accounts and runs every preflight rule,
        including the deep checks of media and links, and answers each target's violations. Nothing
        is stored or published.
        """
        checked = services.check_post(
            caller=self.caller(),
            request=to_request(self.validated(CreatePostIn)),
            deep=True,
        )
        results = [
            {
                "accountId": str(t.account.pk),
                "platform": t.account.platform,
                "valid": not any(v.severity == "error" for v in t.violations),
                "violations": [v.as_dict() for v in t.violations],
            }
            for t in checked
        ]
        return Response({"valid": all(r["valid"] for r in results), "results": results})


@extend_schema(tags=["posts"])
class PostDetailApi(PostCaller):
    # Promoting a draft with publishNow calls the platform in-request (as create does).
    idempotency_atomic = False

    def target(self, post_id: str) -> PostTarget:
        return selectors.get_target_for_workspace(
            self.principal.workspace,
            post_id,
            livemode=self.principal.livemode,
            scope=self.principal.profile,
        )

    @extend_schema(operation_id="getPost", responses={200: PostDetailOut})
    def get(self, request: Request, post_id: str) -> Response:
        """Get a post.

        One post target: its status, result or error, and every publish attempt.
        """
        return Response(PostDetailOut(self.target(post_id)).data)

    @extend_schema(
        operation_id="reschedulePost",
        request=UpdatePostIn,
        responses={200: UpdatedPostOut},
    )
    def patch(self, request: Request, post_id: str) -> Response:
        """Reschedule a post or edit a draft.

        Reschedule a queued post (`scheduledAt`). A draft also takes edits (`text`, `media`,
        `firstComment`, `options`, `accountId`) and is promoted by `scheduledAt` or `publishNow:
        true`, after the same full preflight as `POST /v1/posts`.
        """
        data = self.validated(UpdatePostIn)
        if data.get("publish_now") and data.get("scheduled_at"):
            raise ValidationFailed(
                "Send either publishNow or scheduledAt, not both.",
                rule="mode_conflict",
                remediation="Drop publishNow to schedule, or scheduledAt to publish now.",
            )
        edits = draft_edits(data)
        promote = bool(data.get("publish_now")) or "scheduled_at" in data
        if not edits and not promote:
            raise ValidationFailed(
                "scheduledAt: This field is required.",
                rule="scheduledAt",
                remediation="Check the request body matches the documented schema.",
            )
        target = self.target(post_id)
        if target.status != PostTarget.Status.DRAFT:
            if edits or data.get("publish_now") or "scheduled_at" not in data:
                drafts.require_draft(target)
            target = services.reschedule_target(
                target=target, scheduled_at=data["scheduled_at"]
            )
            return Response(UpdatedPostOut(target).data)
        return self._update_draft(request, target, data, edits, promote)

    def _update_draft(
        self,
        request: Request,
        target: PostTarget,
        data: dict[str, Any],
        edits: TargetRequest | None,
        promote: bool,
    ) -> Response:
        caller = self.caller()
        if not promote:
            assert edits is not None  # patch() refuses a body with neither
            violations = drafts.edit_draft(caller=caller, target=target, edits=edits)
            body = UpdatedPostOut(target).data
            body["violations"] = [v.as_dict() for v in violations]
            return Response(body)

        def edit_and_promote() -> drafts.Promoted:
            # One transaction: an edit refused by the promotion's preflight is undone.
            if edits:
                drafts.edit_draft(caller=caller, target=target, edits=edits)
            return drafts.promote_draft(
                caller=caller,
                target=target,
                scheduled_at=data.get("scheduled_at"),
                publish_now=bool(data.get("publish_now")),
                sandbox_outcome=request.headers.get(SANDBOX_HEADER) or None,
            )

        promoted = commit_then_publish(edit_and_promote)
        promoted.target.refresh_from_db()
        return Response(UpdatedPostOut(promoted.target).data)

    @extend_schema(
        operation_id="cancelPost",
        responses={
            200: inline_serializer(
                "CanceledPost",
                fields={
                    "id": serializers.UUIDField(),
                    "status": serializers.CharField(),
                },
            )
        },
    )
    def delete(self, request: Request, post_id: str) -> Response:
        """Cancel a post.

        Takes a queued post out of the queue (`post.canceled`); a draft is deleted outright. A post
        a worker has already taken, or a finished one, cannot be canceled (rule `post.status`).
        """
        target = self.target(post_id)
        if target.status == PostTarget.Status.DRAFT:
            drafts.delete_draft(target=target)
            return Response({"id": str(target.pk), "status": "deleted"})
        target = services.cancel_target(target=target)
        return Response({"id": str(target.pk), "status": target.status})


@extend_schema(tags=["posts"])
class PostRetryApi(PostCaller):
    # The retry publishes in-request, like create: never inside one long transaction.
    idempotency_atomic = False

    @extend_schema(
        operation_id="retryPost", request=RetryPostIn, responses={200: CreatePostOut}
    )
    def post(self, request: Request, post_id: str) -> Response:
        """Retry a failed post.

        Publishes a failed or rejected post's content again, now, as a new post; the original keeps
        its history. A thread whose first post is out resumes instead, as the same post, at its
        first item not published. When the last attempt may have been published (outcome
        unknown), send `confirmUnknown: true`.
        """
        record = getattr(request._request, "idempotency", None)
        if record is not None and record.resource_id:
            post = Post.objects.get(
                pk=record.resource_id, workspace=self.principal.workspace
            )
            return Response(batch_response(post))
        data = self.validated(RetryPostIn)
        target = selectors.get_target_for_workspace(
            self.principal.workspace,
            post_id,
            livemode=self.principal.livemode,
            scope=self.principal.profile,
        )
        created = commit_then_publish(
            lambda: retry_target(
                caller=self.caller(),
                target=target,
                confirm_unknown=data["confirm_unknown"],
            ),
            in_commit=_holding(record),
        )
        # The retried targets as they are now (a resumed thread's batch may hold others).
        targets = PostTarget.objects.filter(pk__in=[t.pk for t in created.targets])
        return Response(
            batch_response(
                created.post, created.violations(), list(targets.order_by("position"))
            )
        )


def _values(params: Any, name: str, *, strict: bool = False) -> tuple[str, ...]:
    """Repeated or comma-separated values; `strict` refuses empty ones (`?status=`)."""
    values = tuple(v.strip() for raw in params.getlist(name) for v in raw.split(","))
    if strict and "" in values:
        raise _invalid(name, f"{name} has an empty value.")
    return tuple(v for v in values if v)


def _invalid(rule: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, rule=rule, remediation="Fix the query parameter named in `rule`."
    )


def _datetime_param(params: Any, name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        return UtcDateTimeField().to_internal_value(raw)
    except serializers.ValidationError:
        raise _invalid(
            name, f"{name} must be an ISO-8601 time with Z or an offset."
        ) from None


LOG_PARAMS = frozenset(
    {
        "status",
        "platform",
        "accountId",
        "profileId",
        "errorCode",
        "after",
        "before",
        "q",
        "livemode",
        "limit",
        "cursor",
    }
)


def parse_log_query(view: PostCaller, params: Any) -> tuple[selectors.LogFilter, int]:
    """Validate the post-log query. Unknown parameters are refused: a typo must not widen a filter."""
    principal = view.principal
    if unknown := sorted(set(params) - LOG_PARAMS):
        raise _invalid(
            "query.unknown",
            f"Unknown query parameter(s): {', '.join(map(repr, unknown))}.",
        )
    statuses = _values(params, "status", strict=True)
    for i, status in enumerate(statuses):
        if status not in PostTarget.Status.values:
            raise _invalid(f"status.{i}", f"Unknown status {status!r}.")
    platforms = _values(params, "platform", strict=True)
    for i, platform in enumerate(platforms):
        if platform not in KNOWN_PLATFORMS:
            raise _invalid(f"platform.{i}", f"Unknown platform {platform!r}.")
    account_ids = _values(params, "accountId", strict=True)
    if any(parse_uuid(a) is None for a in account_ids):
        raise _invalid("accountId", "accountId must be a UUID.")
    profile = principal.profile
    if (profile_id := params.get("profileId")) is not None:
        if parse_uuid(profile_id) is None:
            raise _invalid("profileId", "profileId must be a UUID.")
        if profile and str(profile.pk) != profile_id:
            raise NotFound(
                "No such profile.", resource="profile", rule="api_key.profile_scope"
            )
        profile = get_profile_for_workspace(principal.workspace, profile_id)
    q = params.get("q")
    if q is not None and not (1 <= len(q.strip()) <= 200):
        raise _invalid("q", "q must be 1 to 200 characters.")
    livemode = params.get("livemode")
    if livemode is not None and livemode not in ("true", "false"):
        raise _invalid("livemode", "livemode must be true or false.")
    try:
        limit = int(params.get("limit", 50))
    except ValueError:
        raise _invalid("limit", "limit must be an integer from 1 to 200.") from None
    if not 1 <= limit <= 200:
        raise _invalid("limit", "limit must be an integer from 1 to 200.")
    filters = selectors.LogFilter(
        profile=profile,
        statuses=statuses,
        platforms=platforms,
        account_ids=account_ids,
        error_codes=_values(params, "errorCode"),
        after=_datetime_param(params, "after"),
        before=_datetime_param(params, "before"),
        q=q.strip() if q else None,
        livemode=None if livemode is None else livemode == "true",
    )
    return filters, limit
