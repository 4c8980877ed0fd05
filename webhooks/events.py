"""Emit events into the outbox, and build each event's documented `data` (spec/webhooks.md §1).

Call `emit()` (or one of the `emit_*_event` helpers) inside the transaction that makes the state
change: it only inserts rows (the event and one pending delivery per subscribed endpoint), so a
rollback takes the event with it and a commit can never lose one. No HTTP happens here; the
dispatcher delivers later. `emit_post_events()` is the batch form for the create path: it stores
only the events some endpoint listens for.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Workspace
from letmepost.api.fields import format_datetime
from letmepost.api.request_id import current_request_id
from letmepost.prepared import PreparedQuery
from webhooks.catalog import EVENT_TYPES
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

if TYPE_CHECKING:
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


def _request_id(request_id: str | None) -> str:
    if request_id is None:
        current = current_request_id.get()
        return "" if current == "-" else current
    return request_id


def _event(
    *,
    workspace_id: Any,
    type: str,
    data: dict[str, Any],
    livemode: bool,
    request_id: str,
    ordering_key: str | None,
    now: datetime,
) -> WebhookEvent:
    """An unsaved event row, its body rendered once for every attempt and replay."""
    event_id = uuid.uuid4()
    return WebhookEvent(
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
        request_id=request_id,
        ordering_key=_default_ordering_key(type, data)
        if ordering_key is None
        else ordering_key,
        created_at=now,
    )


def _deliveries(
    event: WebhookEvent, endpoints: list[WebhookEndpoint], now: datetime
) -> list[WebhookDelivery]:
    return [
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            ordering_key=event.ordering_key,
            event_seq=event.seq,
            next_attempt_at=now,
        )
        for endpoint in endpoints
        if _hears(endpoint, event.type, event.livemode)
    ]


def _hears(endpoint: WebhookEndpoint, type: str, livemode: bool) -> bool:
    # Test and live are two worlds (D23): an endpoint hears only its own mode's events.
    return endpoint.wants(type) and endpoint.livemode == livemode


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

    Precondition: called inside the transaction of the state change, after its writes, so the
    event and its deliveries commit or roll back with it (outside one, they get a transaction of
    their own) and no endpoint is created unseen in between (`listening_endpoints`).
    `workspace` is a Workspace or its id. `request_id` defaults to the id of the HTTP request
    being served, if any. Costs one SELECT (and a lock on PostgreSQL) and two INSERTs; never does
    network I/O.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"{type!r} is not an emitted webhook event type")
    workspace_id = getattr(workspace, "pk", workspace)
    now = timezone.now()
    event = _event(
        workspace_id=workspace_id,
        type=type,
        data=data,
        livemode=livemode,
        request_id=_request_id(request_id),
        ordering_key=ordering_key,
        now=now,
    )
    # No savepoint: a failure here fails the caller's transaction too, which is all-or-nothing.
    with transaction.atomic(savepoint=False):
        event.save(force_insert=True)
        WebhookDelivery.objects.bulk_create(
            _deliveries(event, listening_endpoints(workspace_id), now)
        )
    return event


# Every event-emitting write reads this: compiled once (letmepost/prepared.py).
_active_endpoints = PreparedQuery(
    lambda workspace: WebhookEndpoint.objects.filter(
        workspace_id=workspace, active=True
    ).only("id", "events", "livemode"),
    workspace=uuid.UUID(int=1),
)


_LOCK_AND_READ_ENDPOINTS = (
    "SELECT e.id, e.events, e.livemode"  # noqa: S608 - our table names
    f" FROM {Workspace._meta.db_table} w LEFT JOIN {WebhookEndpoint._meta.db_table} e"
    " ON e.workspace_id = w.id AND e.active WHERE w.id = %s FOR KEY SHARE OF w"
)


def listening_endpoints(workspace_id: Any) -> list[WebhookEndpoint]:
    """The workspace's active endpoints, as a transaction that is about to emit must see them.

    Precondition: inside the emitting transaction. On PostgreSQL the workspace row is first locked
    FOR KEY SHARE until commit; endpoint writers lock it FOR UPDATE (`lock_endpoints`), so an
    endpoint is either committed before this read sees the table, or created after this
    transaction commits: none slips in between the check and the commit. Emitters never wait for
    each other, nor for ordinary updates of the workspace. SQLite runs one writer at a time
    (BEGIN IMMEDIATE), which gives the same guarantee without a lock.
    """
    if connection.vendor != "postgresql":
        return _active_endpoints(workspace=workspace_id)
    # One round trip for the lock and the read (Django's select_for_update() has no KEY SHARE
    # mode); the workspace row always answers, with NULLs when no endpoint is active.
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_READ_ENDPOINTS, [workspace_id])
        rows = cursor.fetchall()
    return [
        WebhookEndpoint(
            id=pk,
            workspace_id=workspace_id,
            # Django reads jsonb as text and decodes it in the field (no custom decoder here).
            events=json.loads(subscribed)
            if isinstance(subscribed, str)
            else subscribed,
            livemode=livemode,
        )
        for pk, subscribed, livemode in rows
        if pk is not None
    ]


def lock_endpoints(workspace_id: Any) -> None:
    """Make an endpoint write wait for in-flight emitters of the workspace (PostgreSQL).

    Precondition: inside the transaction that creates, changes or deletes the endpoint.
    """
    if connection.vendor == "postgresql":
        list(
            Workspace.objects.select_for_update()
            .filter(pk=workspace_id)
            .values_list("pk", flat=True)
        )


def emit_post_events(
    events: list[tuple[str, PostTarget, dict[str, Any]]],
    *,
    request_id: str | None = None,
) -> list[WebhookEvent]:
    """Store `post.*` events of one workspace's targets, only those some endpoint listens for.

    Each item is `(type, target, extra for the builder)`; the data is built from the target as
    it is in memory (e.g. just bulk-created), with no re-read. An event no active endpoint
    subscribed to is not stored: nobody could receive or replay it (replays need an event id,
    which only a delivery reveals). Precondition: inside the transaction that wrote the targets,
    after those writes (see `listening_endpoints`). Costs one SELECT when nobody listens, plus
    one INSERT of the events and one of their deliveries when someone does.
    """
    if not events:
        return []
    workspace_id = events[0][1].workspace_id
    for type, target, _ in events:
        if type not in POST_BUILDERS or target.workspace_id != workspace_id:
            raise ValueError(
                f"{type!r} for target {target.pk} is not a post event here"
            )
    endpoints = listening_endpoints(workspace_id)
    wanted = [
        (type, target, extra)
        for type, target, extra in events
        if any(_hears(endpoint, type, target.livemode) for endpoint in endpoints)
    ]
    if not wanted:
        return []
    now = timezone.now()
    request_id = _request_id(request_id)
    rows = []
    for type, target, extra in wanted:
        rows.append(
            _event(
                workspace_id=workspace_id,
                type=type,
                data=POST_BUILDERS[type](target, **extra),
                livemode=target.livemode,
                request_id=request_id,
                ordering_key=None,
                now=now,
            )
        )
    with transaction.atomic(savepoint=False):
        WebhookEvent.objects.bulk_create(rows)  # sets each row's seq, in this order
        WebhookDelivery.objects.bulk_create(
            [d for event in rows for d in _deliveries(event, endpoints, now)]
        )
    return rows


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
    from posts.threads import target_progress  # posts imports webhooks, not the reverse

    return post_event_data(
        target,
        uri=target.platform_uri,
        cid=target.platform_cid,
        first_comment_uri=target.first_comment_uri,
        first_comment_cid=target.first_comment_cid,
        thread=target_progress(target),  # only a thread target's; read only for those
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
    "field",  # the thread item that failed: `thread[2]`, `firstComment`
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


# Each builder takes the target and its own keyword extras (`rules`, `at`, ...).
POST_BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
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
    builders: dict[str, Callable[..., dict[str, Any]]] = {
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
