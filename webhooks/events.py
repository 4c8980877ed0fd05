"""Emit events into the outbox, and build each event's documented `data` (spec/webhooks.md §1).

Call `emit()` (or one of the `emit_*_event` helpers) inside the transaction that makes the state
change: it only inserts rows (the event and one pending delivery per subscribed endpoint), so a
rollback takes the event with it and a commit can never lose one. No HTTP happens here; the
dispatcher delivers later.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from letmepost.api.fields import format_datetime
from letmepost.api.request_id import current_request_id
from webhooks.catalog import EMITTED_TYPES, EVENT_TYPES
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

if TYPE_CHECKING:
    from accounts.models import Workspace
    from platforms.models import PlatformAccount
    from posts.models import PostTarget


def render_body(
    *,
    event_id: uuid.UUID,
    type: str,
    created_at: datetime,
    workspace_id: Any,
    data: Any,
    livemode: bool,
) -> str:
    """The envelope as compact JSON, key order `id, type, createdAt, organizationId, data`.

    `livemode` (D13) is additive and comes last so the reference's members keep their order.
    """
    envelope = {
        "id": str(event_id),
        "type": type,
        "createdAt": format_datetime(created_at),
        "organizationId": str(workspace_id),
        "data": data,
        "livemode": livemode,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)


def _default_ordering_key(type: str, data: Any) -> str:
    """Events of one post (or one account) reach each endpoint in the order they were emitted."""
    if not isinstance(data, dict):
        return ""
    if type.startswith("post.") and data.get("id"):
        return f"post:{data['id']}"
    if type.startswith("token.") and data.get("accountId"):
        return f"account:{data['accountId']}"
    return ""


def emit(
    *,
    workspace: Workspace | Any,
    type: str,
    data: dict[str, Any],
    livemode: bool = True,
    request_id: str | None = None,
    ordering_key: str | None = None,
) -> WebhookEvent:
    """Store one event and a pending delivery for each active endpoint that subscribed to it.

    Precondition: called inside the transaction of the state change (a savepoint is opened so
    the event and its deliveries are all-or-nothing either way). `workspace` is a Workspace or its
    id. `request_id` defaults to the id of the HTTP request being served, if any. Costs one SELECT
    and two INSERTs; never does network I/O.
    """
    if type not in EMITTED_TYPES:
        raise ValueError(f"{type!r} is not an emitted webhook event type")
    workspace_id = getattr(workspace, "pk", workspace)
    if request_id is None:
        current = current_request_id.get()
        request_id = "" if current == "-" else current
    now = timezone.now()
    event_id = uuid.uuid4()
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            id=event_id,
            workspace_id=workspace_id,
            type=type,
            body=render_body(
                event_id=event_id,
                type=type,
                created_at=now,
                workspace_id=workspace_id,
                data=data,
                livemode=livemode,
            ),
            livemode=livemode,
            request_id=request_id or "",
            ordering_key=_default_ordering_key(type, data)
            if ordering_key is None
            else ordering_key,
            created_at=now,
        )
        endpoints = WebhookEndpoint.objects.filter(
            workspace_id=workspace_id, active=True
        ).only("id", "events")
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint,
                    event=event,
                    ordering_key=event.ordering_key,
                    event_seq=event.seq,
                    next_attempt_at=now,
                )
                for endpoint in endpoints
                if endpoint.wants(type)
            ]
        )
    return event


# --- data builders ------------------------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _wire(value: Any) -> Any:
    return format_datetime(value) if isinstance(value, datetime) else value


def post_event_data(target: PostTarget, **extra: Any) -> dict[str, Any]:
    """`{id, platform, accountId, profileId}` of a target, then `extra` in the order given.

    Extra keys may be snake_case (camelized here); datetimes become ISO-8601 UTC with ms; None
    and "" values are omitted, as the reference omits undefined members.
    """
    data: dict[str, Any] = {
        "id": str(target.pk),
        "platform": target.platform,
        "accountId": str(target.account_id),
        "profileId": str(target.profile_id),
    }
    for key, value in extra.items():
        if value is None or value == "":
            continue
        data[_camel(key)] = _wire(value)
    return data


def queued_data(target: PostTarget) -> dict[str, Any]:
    return post_event_data(
        target,
        scheduled_at=target.scheduled_at or target.due_at,
        queued_at=target.created_at,
    )


def validated_data(
    target: PostTarget, *, rules: list[dict[str, Any]], at: datetime | None = None
) -> dict[str, Any]:
    """`rules`: every rule that ran, each `{rule, passed, severity?, message?}`."""
    return post_event_data(target, validated_at=at or timezone.now(), rules=list(rules))


def published_data(target: PostTarget) -> dict[str, Any]:
    return post_event_data(
        target,
        uri=target.platform_uri,
        cid=target.platform_cid,
        first_comment_uri=target.first_comment_uri,
        first_comment_cid=target.first_comment_cid,
        published_at=target.published_at or timezone.now(),
        warnings=list(target.warnings) or None,
    )


ERROR_KEYS = (
    "code",
    "message",
    "rule",
    "platform",
    "platformVersion",
    "platformResponse",
    "remediation",
)


def failure_data(target: PostTarget, *, at: datetime | None = None) -> dict[str, Any]:
    """`post.rejected` and `post.failed` share a shape; both carry `rejectedAt` (sic, §1.3)."""
    stored = target.error or {
        "code": target.error_code or "internal_error",
        "message": "",
    }
    error = {k: stored[k] for k in ERROR_KEYS if stored.get(k) is not None}
    return post_event_data(target, error=error, rejected_at=at or timezone.now())


def canceled_data(target: PostTarget, *, at: datetime | None = None) -> dict[str, Any]:
    return post_event_data(
        target,
        scheduled_at=target.scheduled_at or target.due_at,
        canceled_at=at or timezone.now(),
    )


def rescheduled_data(
    target: PostTarget, *, previous_scheduled_at: datetime | None
) -> dict[str, Any]:
    data = post_event_data(target)
    # Both keys are always present; a post that had no schedule reports null.
    data["previousScheduledAt"] = _wire(previous_scheduled_at)
    data["scheduledAt"] = _wire(target.scheduled_at or target.due_at)
    return data


POST_BUILDERS = {
    "post.queued": queued_data,
    "post.validated": validated_data,
    "post.published": published_data,
    "post.rejected": failure_data,
    "post.failed": failure_data,
    "post.canceled": canceled_data,
    "post.rescheduled": rescheduled_data,
}


def token_expiring_data(
    account: PlatformAccount, *, expires_at: datetime | None = None
) -> dict[str, Any]:
    """The reference's keys plus the recommended `expiresAt`/`daysUntilExpiry` (§5)."""
    expires = expires_at or account.token_expires_at
    days = None
    if expires is not None:
        days = max(0, (expires - timezone.now()).days)
    return {
        "platform": account.platform,
        "accountId": str(account.pk),
        "platformAccountId": account.external_id,
        "displayName": account.display_name,
        "tokenExpiresAt": _wire(expires),
        "expiresAt": _wire(expires),
        "daysUntilExpiry": days,
    }


TOKEN_REVOKED_REASONS = ("refresh_failed", "revoked_upstream", "app_password_deleted")


def token_revoked_data(
    account: PlatformAccount,
    *,
    reason: str,
    message: str | None = None,
    revoked_at: datetime | None = None,
) -> dict[str, Any]:
    """`reason` is one of TOKEN_REVOKED_REASONS; `message` the platform's own words, if any."""
    if reason not in TOKEN_REVOKED_REASONS:
        raise ValueError(f"unknown token.revoked reason {reason!r}")
    data = {
        "platform": account.platform,
        "accountId": str(account.pk),
        "platformAccountId": account.external_id,
        "displayName": account.display_name,
        "reason": reason,
        "revokedAt": _wire(revoked_at or timezone.now()),
    }
    if message:
        data["message"] = message
    return data


def version_deprecated_data(
    *,
    platform: str,
    current_pin: str,
    next_pin: str | None,
    sunset_at: datetime | None,
    announced_at: datetime | None,
    migration_status: str,
    notice_url: str | None,
) -> dict[str, Any]:
    return {
        "platform": platform,
        "currentPin": current_pin,
        "nextPin": next_pin,
        "sunsetAt": _wire(sunset_at),
        "announcedAt": _wire(announced_at),
        "migrationStatus": migration_status,
        "noticeUrl": notice_url,
    }


# --- one-line emitters for the services ----------------------------------------------------


def emit_post_event(
    type: str,
    *,
    target: PostTarget,
    request_id: str | None = None,
    **extra: Any,
) -> WebhookEvent:
    """Emit a `post.*` event for a target, built from the row as it is now in this transaction.

    Re-reads the row, so call it right after the (conditional) update that changed the state.
    `extra` goes to the builder: `previous_scheduled_at=` for post.rescheduled, `rules=` for
    post.validated, optionally `at=` for the rejected/failed/canceled timestamps.
    """
    from posts.models import PostTarget  # posts imports webhooks, not the reverse

    if type not in POST_BUILDERS:
        raise ValueError(f"{type!r} is not a post event type")
    fresh = PostTarget.objects.get(pk=target.pk)
    data = POST_BUILDERS[type](fresh, **extra)
    return emit(
        workspace=fresh.workspace_id,
        type=type,
        data=data,
        livemode=fresh.livemode,
        request_id=request_id,
    )


def emit_token_event(
    type: str, *, account: PlatformAccount, **extra: Any
) -> WebhookEvent:
    """`token.expiring` (extra: expires_at=) or `token.revoked` (extra: reason=, message=)."""
    builders = {
        "token.expiring": token_expiring_data,
        "token.revoked": token_revoked_data,
    }
    if type not in builders:
        raise ValueError(f"{type!r} is not a token event type")
    return emit(
        workspace=account.workspace_id,
        type=type,
        data=builders[type](account, **extra),
    )


def emit_version_deprecated(
    *, workspace: Workspace | Any, **fields: Any
) -> WebhookEvent:
    return emit(
        workspace=workspace,
        type="version.deprecated",
        data=version_deprecated_data(**fields),
    )


assert set(POST_BUILDERS) <= set(EVENT_TYPES)
