"""Bring a Postiz instance's scheduled posts over, through its public API (`import_postiz`).

Reads integrations and posts from a running Postiz with our SSRF-guarded HTTP session, matches
each integration to an account already connected here (same platform and handle), and creates
each future QUEUE post with the same service the compatibility API uses. What was imported is
remembered by Postiz post id, so a second run skips it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.utils import timezone

from accounts.models import Workspace
from letmepost.errors import LetmepostError
from platforms import http
from platforms.models import PlatformAccount
from platforms.selectors import live_accounts
from postiz import errors, mapping, services
from postiz.models import PostizPost
from postiz.payloads import CreateRequest, Entry, Value, parse_date
from posts.services import Caller

TIMEOUT = (5.0, 60.0)


class ImportFailed(Exception):
    """The Postiz instance could not be read; nothing was imported."""


def api_base(url: str) -> str:
    """Where the public API lives: `https://host`, `https://host/api` or a full `…/public/v1`."""
    url = url.rstrip("/")
    return url if url.endswith("/public/v1") else f"{url}/public/v1"


class PostizSource:
    def __init__(self, url: str, api_key: str) -> None:
        self.base = api_base(url)
        self._key = api_key

    def get(self, path: str, **params: str) -> Any:
        with http.session() as session:
            try:
                response = session.get(
                    self.base + path,
                    params=params,
                    headers={"Authorization": self._key, "Accept": "application/json"},
                    timeout=TIMEOUT,
                )
            except LetmepostError as exc:  # the SSRF guard: a private or odd URL
                raise ImportFailed(exc.message) from None
            except requests.RequestException as exc:
                raise ImportFailed(
                    f"{self.base}{path} could not be reached: {exc}"
                ) from None
        if response.status_code != 200:
            raise ImportFailed(
                f"GET {self.base}{path} answered {response.status_code}: {response.text[:200]}"
            )
        try:
            return response.json()
        except ValueError:
            raise ImportFailed(f"GET {self.base}{path} did not answer JSON") from None

    def integrations(self) -> list[dict[str, Any]]:
        return list(self.get("/integrations"))

    def posts(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        iso = "%Y-%m-%dT%H:%M:%S.000Z"
        found = self.get(
            "/posts", startDate=start.strftime(iso), endDate=end.strftime(iso)
        )
        return list(found.get("posts", []))


@dataclass(frozen=True)
class Row:
    postiz_id: str
    channel: str
    when: str
    result: str  # imported | would import | skipped
    detail: str


def _names(account: PlatformAccount) -> set[str]:
    handle = mapping.handle(account).lower()
    return {handle, handle.split("@", 1)[0], account.external_id.lower()}


def match_account(
    workspace: Workspace, integration: dict[str, Any]
) -> PlatformAccount | None:
    """The account here on the same platform whose handle is the integration's `profile`."""
    platform = mapping.platform_for(str(integration.get("identifier", "")))
    wanted = str(integration.get("profile") or integration.get("name") or "")
    wanted = wanted.lstrip("@").lower()
    for account in live_accounts(workspace).filter(platform=platform):
        if wanted and wanted in _names(account):
            return account
    return None


def _request(post: dict[str, Any], account: PlatformAccount) -> CreateRequest:
    date = parse_date(post.get("publishDate"))
    assert date is not None  # checked by the caller
    settings = post.get("settings")
    try:
        parsed = json.loads(settings) if isinstance(settings, str) else settings or {}
    except ValueError:
        parsed = {}
    parsed = {k: v for k, v in dict(parsed).items() if k != "__type"}
    tags = [
        {"value": str(t["tag"].get("id", "")), "label": str(t["tag"].get("name", ""))}
        for t in post.get("tags") or []
        if isinstance(t, dict) and isinstance(t.get("tag"), dict)
    ]
    method = post.get("creationMethod")
    return CreateRequest(
        type="schedule",
        date=date,
        short_link=False,
        tags=tags,
        entries=[
            Entry(
                integration_id=str(account.pk),
                values=[Value(content=str(post.get("content") or ""), images=[])],
                settings=parsed,
            )
        ],
        creation_method=method if isinstance(method, str) else "API",
    )


def import_posts(
    *,
    workspace: Workspace,
    source: PostizSource,
    days: int,
    dry_run: bool,
    now: datetime | None = None,
) -> list[Row]:
    now = now or timezone.now()
    integrations = {str(i.get("id")): i for i in source.integrations()}
    remote_posts = source.posts(now, now + timedelta(days=days))
    caller = Caller(workspace=workspace, scope=None, livemode=True)
    return [
        _import_one(caller, source.base, integrations, post, now, dry_run)
        for post in remote_posts
    ]


def _import_one(
    caller: Caller,
    origin: str,
    integrations: dict[str, dict[str, Any]],
    post: dict[str, Any],
    now: datetime,
    dry_run: bool,
) -> Row:
    postiz_id = str(post.get("id", ""))
    ref = post.get("integration") or {}
    integration = integrations.get(str(ref.get("id")), ref)
    channel = (
        f"{integration.get('identifier') or ref.get('providerIdentifier')}:"
        + str(integration.get("profile") or integration.get("name") or "?")
    )
    date = parse_date(post.get("publishDate"))
    when = date.strftime("%Y-%m-%d %H:%M") if date else "?"

    def skipped(reason: str) -> Row:
        return Row(postiz_id, channel, when, "skipped", reason)

    if post.get("state") != "QUEUE":
        return skipped(f"state {post.get('state')}: only scheduled (QUEUE) posts move")
    if post.get("intervalInDays"):
        return skipped("repeating posts (intervalInDays) are not supported")
    if date is None or date <= now:
        return skipped("publish date is not in the future")
    existing = PostizPost.objects.filter(
        workspace=caller.workspace, source=origin, source_id=postiz_id
    ).first()
    if existing is not None:
        return skipped(f"already imported as {existing.target_id}")
    account = match_account(caller.workspace, integration)
    if account is None:
        return skipped(
            f"no {mapping.platform_for(str(integration.get('identifier', '')))} account "
            f"with handle {integration.get('profile') or integration.get('name')!r} is "
            "connected here"
        )
    if dry_run:
        return Row(postiz_id, channel, when, "would import", f"to account {account.pk}")
    try:
        [(target, _)] = services.create(
            caller=caller,
            request=_request(post, account),
            source=origin,
            source_id=postiz_id,
        )
    except errors.PostizError as exc:
        return skipped(f"refused here: {exc.error.message}")
    if post.get("group"):
        PostizPost.objects.filter(target=target).update(group=str(post["group"]))
    return Row(postiz_id, channel, when, "imported", f"post {target.pk}")
