"""Ready-to-paste `curl` commands for `POST /v1/posts`, for the dashboard's "copy as curl"."""

from __future__ import annotations

import json
import shlex
import uuid
from datetime import UTC
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import ApiKey, Workspace
from posts.models import PostTarget

KEY_VARIABLE = "$LETMEPOST_API_KEY"


def key_hint(workspace: Workspace, *, livemode: bool) -> str:
    """A comment naming the newest active key of the post's mode, whose secret we cannot show
    again: a live post needs a live key (a test key would make a test post)."""
    prefix = ApiKey.Prefix.LIVE if livemode else ApiKey.Prefix.TEST
    key = (
        ApiKey.objects.filter(
            workspace=workspace, revoked_at__isnull=True, prefix=prefix
        )
        .order_by("-created_at")
        .first()
    )
    if key is None:
        return f"# Mint a key on the API keys page, then: export LETMEPOST_API_KEY={prefix}…"
    return f'# export LETMEPOST_API_KEY={key.prefix}…  (your key "{key.name}", ending …{key.last4})'


def curl_command(
    body: dict[str, Any], *, secret: str | None = None, hint: str = ""
) -> str:
    """The command, with a fresh Idempotency-Key: pasting it twice publishes once."""
    lines = [hint] if hint and not secret else []
    auth = f"Authorization: Bearer {secret or KEY_VARIABLE}"
    lines += [
        f"curl -sS -X POST {settings.PUBLIC_URL}/v1/posts \\",
        f'  -H "{auth}" \\',
        "  -H 'Content-Type: application/json' \\",
        f"  -H 'Idempotency-Key: {uuid.uuid4()}' \\",
        f"  -d {shlex.quote(json.dumps(body, ensure_ascii=False, indent=2))}",
    ]
    return "\n".join(lines)


def body_for_target(target: PostTarget) -> dict[str, Any]:
    """The request that would create this target again (camelCase, as on the wire)."""
    body: dict[str, Any] = {"text": target.text} if target.text else {}
    one: dict[str, Any] = {"accountId": str(target.account_id)}
    if target.options:
        one["options"] = target.options
    body["targets"] = [one]
    if target.media:
        body["media"] = [_media_in(ref) for ref in target.media]
    if target.first_comment:
        body["firstComment"] = {"text": target.first_comment}
    if target.status == PostTarget.Status.DRAFT:
        body["draft"] = True
    elif (
        target.status == PostTarget.Status.QUEUED
        and target.scheduled_at
        and target.scheduled_at > timezone.now()  # a past time would be refused
    ):
        body["scheduledAt"] = target.scheduled_at.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    else:
        body["publishNow"] = True
    return body


def _media_in(ref: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": ref.get("kind", "image")}
    if ref.get("mediaId"):
        item["mediaId"] = ref["mediaId"]
    elif ref.get("url"):
        item["url"] = ref["url"]
    if ref.get("altText"):
        item["altText"] = ref["altText"]
    return item
