"""One class per API resource. Each method is one `/v1` operation (see tests' operation map)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast
from urllib.parse import quote

from letmepost import _bodies
from letmepost._bodies import MediaInput, TargetInput, ThreadItemInput, When
from letmepost._http import Query, Request, Transport
from letmepost._multipart import FileInput, MultipartBody, Progress, file_source
from letmepost.types import (
    Account,
    AccountList,
    AccountSelection,
    ApiKey,
    ApiKeyCreated,
    ApiKeyRevoked,
    CanceledPost,
    ConnectResult,
    CreatePostResult,
    Deleted,
    Media,
    MediaPage,
    PinterestBoards,
    PlatformVersion,
    Post,
    PostDetail,
    PostPage,
    PreflightRule,
    Profile,
    ProfileQueue,
    QueueListing,
    QueueSlot,
    ValidateResult,
    WebhookDelivery,
    WebhookDeliveryPage,
    WebhookEndpoint,
    WebhookEndpointWithSecret,
    WebhookTestResult,
)


def _seg(value: str) -> str:
    """A path segment, escaped so an id can never change the route."""
    return quote(str(value), safe="")


class _Resource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        return self._t.send(
            Request(
                method,
                path,
                params=params,
                json=json,
                idempotency_key=idempotency_key,
                headers=headers or {},
            )
        )

    def _pages(self, fetch: Any, cursor: str | None) -> Iterator[Any]:
        """Every item of every page, following `nextCursor` until it is null."""
        while True:
            page = fetch(cursor)
            yield from page["data"]
            cursor = page.get("nextCursor")
            if not cursor:
                return


class Posts(_Resource):
    def create(
        self,
        *,
        targets: Sequence[TargetInput],
        text: str | None = None,
        media: Sequence[MediaInput] | None = None,
        first_comment: str | None = None,
        thread: Sequence[ThreadItemInput] | None = None,
        auto_thread: bool | None = None,
        scheduled_at: When | None = None,
        publish_now: bool | None = None,
        profile_id: str | None = None,
        respond_async: bool = False,
        sandbox_outcome: str | None = None,
        idempotency_key: str | None = None,
    ) -> CreatePostResult:
        """Publish now (`results` carry each target's outcome) or schedule with `scheduled_at`
        (a time, or `"next_slot"`: the next free slot of the profile's queue).

        `targets` items: an account id, a platform slug, or the wire object. `thread`: the posts
        after the first (texts, or `{"text", "media"}`), published as a reply chain;
        `auto_thread` splits a text too long for a platform into a numbered thread. `respond_async`
        answers at once (202) and publishes in the background. `sandbox_outcome` forces an
        error code on sandbox targets (for testing your error handling).
        """
        headers: dict[str, str] = {}
        if respond_async:
            headers["Prefer"] = "respond-async"
        if sandbox_outcome:
            headers["Letmepost-Sandbox-Outcome"] = sandbox_outcome
        body = _bodies.post_body(
            targets=targets,
            text=text,
            media=media,
            first_comment=first_comment,
            scheduled_at=scheduled_at,
            publish_now=publish_now,
            profile_id=profile_id,
            thread=thread,
            auto_thread=auto_thread,
        )
        return cast(
            CreatePostResult,
            self._call(
                "POST",
                "/v1/posts",
                json=body,
                idempotency_key=idempotency_key,
                headers=headers,
            ),
        )

    def validate(
        self,
        *,
        targets: Sequence[TargetInput],
        text: str | None = None,
        media: Sequence[MediaInput] | None = None,
        first_comment: str | None = None,
        thread: Sequence[ThreadItemInput] | None = None,
        auto_thread: bool | None = None,
        scheduled_at: When | None = None,
        profile_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> ValidateResult:
        """Run every preflight rule without publishing; `valid` false lists `violations`."""
        body = _bodies.post_body(
            targets=targets,
            text=text,
            media=media,
            first_comment=first_comment,
            scheduled_at=scheduled_at,
            publish_now=None,
            profile_id=profile_id,
            thread=thread,
            auto_thread=auto_thread,
        )
        return cast(
            ValidateResult,
            self._call(
                "POST", "/v1/posts/validate", json=body, idempotency_key=idempotency_key
            ),
        )

    def list(
        self,
        *,
        status: Sequence[str] | None = None,
        platform: Sequence[str] | None = None,
        account_id: Sequence[str] | None = None,
        profile_id: str | None = None,
        error_code: Sequence[str] | None = None,
        after: When | None = None,
        before: When | None = None,
        q: str | None = None,
        livemode: bool | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> PostPage:
        """One page of the post log, newest first; pass `nextCursor` back for the next."""
        params: dict[str, Any] = {
            "status": list(status) if status else None,
            "platform": list(platform) if platform else None,
            "accountId": list(account_id) if account_id else None,
            "profileId": profile_id,
            "errorCode": list(error_code) if error_code else None,
            "after": _bodies.timestamp(after) if after is not None else None,
            "before": _bodies.timestamp(before) if before is not None else None,
            "q": q,
            "livemode": livemode,
            "limit": limit,
            "cursor": cursor,
        }
        return cast(PostPage, self._call("GET", "/v1/posts", params=params))

    def iter(self, *, page_size: int | None = None, **filters: Any) -> Iterator[Post]:
        """Every post matching `filters` (the arguments of `list`), page after page."""
        start = filters.pop("cursor", None)
        return self._pages(
            lambda c: self.list(limit=page_size, cursor=c, **filters), start
        )

    def get(self, post_id: str) -> PostDetail:
        return cast(PostDetail, self._call("GET", f"/v1/posts/{_seg(post_id)}"))

    def reschedule(
        self, post_id: str, scheduled_at: When, *, idempotency_key: str | None = None
    ) -> Post:
        return cast(
            Post,
            self._call(
                "PATCH",
                f"/v1/posts/{_seg(post_id)}",
                json={"scheduledAt": _bodies.timestamp(scheduled_at)},
                idempotency_key=idempotency_key,
            ),
        )

    def cancel(
        self, post_id: str, *, idempotency_key: str | None = None
    ) -> CanceledPost:
        return cast(
            CanceledPost,
            self._call(
                "DELETE", f"/v1/posts/{_seg(post_id)}", idempotency_key=idempotency_key
            ),
        )

    def retry(
        self,
        post_id: str,
        *,
        confirm_unknown: bool = False,
        idempotency_key: str | None = None,
    ) -> CreatePostResult:
        """Publish a failed or rejected post's content again, now, as a new post.

        Every preflight rule runs again. The server refuses (409) posts that are not
        failed/rejected, and ones whose last attempt may have landed unless `confirm_unknown`.
        """
        return cast(
            CreatePostResult,
            self._call(
                "POST",
                f"/v1/posts/{_seg(post_id)}/retry",
                json={"confirmUnknown": confirm_unknown},
                idempotency_key=idempotency_key,
            ),
        )


class MediaResource(_Resource):
    def upload(
        self,
        file: FileInput,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        profile_id: str | None = None,
        progress: Progress | None = None,
        idempotency_key: str | None = None,
    ) -> Media:
        """Upload a file (a path, bytes or an open binary file); `progress(sent, total)`.

        With an `idempotency_key` the multipart boundary is derived from it, so re-sending the
        same file with the same key is byte-identical and replays instead of conflicting.
        """
        boundary = (
            hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
            if idempotency_key
            else None
        )
        body = MultipartBody(
            file_source(file, filename=filename, content_type=content_type),
            progress=progress,
            boundary=boundary,
        )
        request = Request(
            "POST",
            "/v1/media",
            params={"profileId": profile_id},
            body=body,
            headers={
                "Content-Type": body.content_type,
                "Content-Length": str(body.length),
            },
            idempotency_key=idempotency_key,
        )
        return cast(Media, self._t.send(request))

    def create_from_url(
        self,
        url: str,
        *,
        profile_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Media:
        """Have the server fetch and store a file from a public URL."""
        return cast(
            Media,
            self._call(
                "POST",
                "/v1/media",
                params={"profileId": profile_id},
                json={"url": url},
                idempotency_key=idempotency_key,
            ),
        )

    def list(
        self,
        *,
        profile_id: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> MediaPage:
        params = {"profileId": profile_id, "limit": limit, "cursor": cursor}
        return cast(MediaPage, self._call("GET", "/v1/media", params=params))

    def iter(
        self, *, profile_id: str | None = None, page_size: int | None = None
    ) -> Iterator[Media]:
        return self._pages(
            lambda c: self.list(profile_id=profile_id, limit=page_size, cursor=c), None
        )

    def get(self, media_id: str) -> Media:
        return cast(Media, self._call("GET", f"/v1/media/{_seg(media_id)}"))

    def delete(self, media_id: str, *, idempotency_key: str | None = None) -> Deleted:
        return cast(
            Deleted,
            self._call(
                "DELETE", f"/v1/media/{_seg(media_id)}", idempotency_key=idempotency_key
            ),
        )


class Accounts(_Resource):
    def list(
        self, *, profile_id: str | None = None, platform: str | None = None
    ) -> list[Account]:
        """The workspace's connected accounts; `platform` filters on this side."""
        page = self._call("GET", "/v1/accounts", params={"profileId": profile_id})
        accounts = cast("list[Account]", page["data"])
        if platform:
            accounts = [a for a in accounts if a.get("platform") == platform]
        return accounts

    def get(self, account_id: str) -> Account:
        return cast(Account, self._call("GET", f"/v1/accounts/{_seg(account_id)}"))

    def disconnect(
        self, account_id: str, *, idempotency_key: str | None = None
    ) -> Deleted:
        return cast(
            Deleted,
            self._call(
                "DELETE",
                f"/v1/accounts/{_seg(account_id)}",
                idempotency_key=idempotency_key,
            ),
        )

    def connect(
        self,
        platform: str,
        *,
        profile_id: str | None = None,
        return_to: str | None = None,
        instance_url: str | None = None,
        idempotency_key: str | None = None,
    ) -> ConnectResult:
        """Start connecting: `descriptor.kind` is "oauth" (open `authorizationUrl`) or
        "credentials" (send its `fields` to `complete_connect`)."""
        body = _bodies.compact(
            profileId=profile_id, returnTo=return_to, instanceUrl=instance_url
        )
        return cast(
            ConnectResult,
            self._call(
                "POST",
                f"/v1/accounts/connect/{_seg(platform)}",
                json=body,
                idempotency_key=idempotency_key,
            ),
        )

    def complete_connect(
        self,
        platform: str,
        fields: Mapping[str, Any],
        *,
        profile_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Account | AccountSelection:
        """Finish a credentials connect (or an OAuth one by hand with `code` and `state`).

        An OAuth connect that found several accounts to choose from answers an
        AccountSelection (it has `selectionId`): pass it to `select_accounts`."""
        body = {**fields, **_bodies.compact(profileId=profile_id)}
        return cast(
            Account | AccountSelection,
            self._call(
                "POST",
                f"/v1/accounts/connect/{_seg(platform)}/complete",
                json=body,
                idempotency_key=idempotency_key,
            ),
        )

    def get_selection(self, platform: str, selection_id: str) -> AccountSelection:
        """The candidates of a selection (the OAuth callback's `selection=` parameter)."""
        return cast(
            AccountSelection,
            self._call(
                "GET",
                f"/v1/accounts/connect/{_seg(platform)}/select",
                params={"selectionId": selection_id},
            ),
        )

    def select_accounts(
        self,
        platform: str,
        selection_id: str,
        external_ids: Sequence[str],
        *,
        idempotency_key: str | None = None,
    ) -> AccountList:
        """Connect the chosen candidates of a selection (single use)."""
        return cast(
            AccountList,
            self._call(
                "POST",
                f"/v1/accounts/connect/{_seg(platform)}/select",
                json={"selectionId": selection_id, "externalIds": list(external_ids)},
                idempotency_key=idempotency_key,
            ),
        )

    def list_pinterest_boards(self, account_id: str) -> PinterestBoards:
        return cast(
            PinterestBoards,
            self._call("GET", f"/v1/accounts/{_seg(account_id)}/pinterest/boards"),
        )

    def create_pinterest_board(
        self,
        account_id: str,
        *,
        name: str,
        description: str | None = None,
        privacy: str | None = None,
        set_as_default: bool | None = None,
        upsert: bool | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        body = _bodies.compact(
            name=name,
            description=description,
            privacy=privacy,
            setAsDefault=set_as_default,
            upsert=upsert,
        )
        return cast(
            "dict[str, Any]",
            self._call(
                "POST",
                f"/v1/accounts/{_seg(account_id)}/pinterest/boards",
                json=body,
                idempotency_key=idempotency_key,
            ),
        )

    def set_pinterest_default_board(
        self, account_id: str, board_id: str, *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        return cast(
            "dict[str, Any]",
            self._call(
                "PATCH",
                f"/v1/accounts/{_seg(account_id)}/pinterest/default-board",
                json={"boardId": board_id},
                idempotency_key=idempotency_key,
            ),
        )


class Profiles(_Resource):
    def list(self) -> list[Profile]:
        return cast("list[Profile]", self._call("GET", "/v1/profiles")["data"])

    def create(
        self, *, name: str, slug: str | None = None, idempotency_key: str | None = None
    ) -> Profile:
        return cast(
            Profile,
            self._call(
                "POST",
                "/v1/profiles",
                json=_bodies.compact(name=name, slug=slug),
                idempotency_key=idempotency_key,
            ),
        )

    def get(self, profile_id: str) -> Profile:
        return cast(Profile, self._call("GET", f"/v1/profiles/{_seg(profile_id)}"))

    def update(
        self,
        profile_id: str,
        *,
        name: str | None = None,
        slug: str | None = None,
        idempotency_key: str | None = None,
    ) -> Profile:
        return cast(
            Profile,
            self._call(
                "PATCH",
                f"/v1/profiles/{_seg(profile_id)}",
                json=_bodies.compact(name=name, slug=slug),
                idempotency_key=idempotency_key,
            ),
        )

    def delete(self, profile_id: str, *, idempotency_key: str | None = None) -> Deleted:
        return cast(
            Deleted,
            self._call(
                "DELETE",
                f"/v1/profiles/{_seg(profile_id)}",
                idempotency_key=idempotency_key,
            ),
        )


class Queues(_Resource):
    """A profile's weekly posting slots; `posts.create(scheduled_at="next_slot")` takes one."""

    def get(self, profile_id: str) -> ProfileQueue:
        return cast(ProfileQueue, self._call("GET", _queue_path(profile_id)))

    def set(
        self,
        profile_id: str,
        *,
        timezone: str,
        slots: Sequence[QueueSlot],
        idempotency_key: str | None = None,
    ) -> ProfileQueue:
        """Replace the queue: `timezone` an IANA name, `slots` `{"weekday", "time"}` dicts."""
        return cast(
            ProfileQueue,
            self._call(
                "PUT",
                _queue_path(profile_id),
                json={"timezone": timezone, "slots": list(slots)},
                idempotency_key=idempotency_key,
            ),
        )

    def list(
        self,
        profile_id: str | None = None,
        *,
        days: int | None = None,
        limit: int | None = None,
    ) -> QueueListing:
        """The upcoming slot instants and the posts holding them (`posts` empty: free)."""
        params = {"profileId": profile_id, "days": days, "limit": limit}
        return cast(QueueListing, self._call("GET", "/v1/queue", params=params))


def _queue_path(profile_id: str) -> str:
    return f"/v1/profiles/{_seg(profile_id)}/queue"


class ApiKeys(_Resource):
    def list(self) -> list[ApiKey]:
        return cast("list[ApiKey]", self._call("GET", "/v1/api-keys")["data"])

    def create(
        self,
        *,
        name: str,
        prefix: str | None = None,
        scopes: Sequence[str] | None = None,
        profile_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> ApiKeyCreated:
        """Mint a key; its secret (`key`) is in this answer only."""
        body = _bodies.compact(
            name=name,
            prefix=prefix,
            scopes=list(scopes) if scopes is not None else None,
            profileId=profile_id,
        )
        return cast(
            ApiKeyCreated,
            self._call(
                "POST", "/v1/api-keys", json=body, idempotency_key=idempotency_key
            ),
        )

    def revoke(
        self, key_id: str, *, idempotency_key: str | None = None
    ) -> ApiKeyRevoked:
        return cast(
            ApiKeyRevoked,
            self._call(
                "DELETE",
                f"/v1/api-keys/{_seg(key_id)}",
                idempotency_key=idempotency_key,
            ),
        )


class WebhookEndpoints(_Resource):
    def list(self) -> list[WebhookEndpoint]:
        return cast(
            "list[WebhookEndpoint]", self._call("GET", "/v1/webhook-endpoints")["data"]
        )

    def create(
        self,
        *,
        url: str,
        events: Sequence[str] | None = None,
        description: str | None = None,
        active: bool | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookEndpointWithSecret:
        """Subscribe `url` (`events` empty = all); `signingSecret` is shown only here."""
        body = _bodies.compact(
            url=url,
            events=list(events) if events is not None else None,
            description=description,
            active=active,
        )
        return cast(
            WebhookEndpointWithSecret,
            self._call(
                "POST",
                "/v1/webhook-endpoints",
                json=body,
                idempotency_key=idempotency_key,
            ),
        )

    def get(self, endpoint_id: str) -> WebhookEndpoint:
        return cast(
            WebhookEndpoint,
            self._call("GET", f"/v1/webhook-endpoints/{_seg(endpoint_id)}"),
        )

    def update(
        self,
        endpoint_id: str,
        *,
        url: str | None = None,
        events: Sequence[str] | None = None,
        description: str | None = None,
        active: bool | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookEndpoint:
        body = _bodies.compact(
            url=url,
            events=list(events) if events is not None else None,
            description=description,
            active=active,
        )
        return cast(
            WebhookEndpoint,
            self._call(
                "PATCH",
                f"/v1/webhook-endpoints/{_seg(endpoint_id)}",
                json=body,
                idempotency_key=idempotency_key,
            ),
        )

    def delete(
        self, endpoint_id: str, *, idempotency_key: str | None = None
    ) -> Deleted:
        return cast(
            Deleted,
            self._call(
                "DELETE",
                f"/v1/webhook-endpoints/{_seg(endpoint_id)}",
                idempotency_key=idempotency_key,
            ),
        )

    def rotate_secret(
        self, endpoint_id: str, *, idempotency_key: str | None = None
    ) -> WebhookEndpointWithSecret:
        return cast(
            WebhookEndpointWithSecret,
            self._call(
                "POST",
                f"/v1/webhook-endpoints/{_seg(endpoint_id)}/rotate-secret",
                idempotency_key=idempotency_key,
            ),
        )

    def test(
        self,
        endpoint_id: str,
        *,
        event_type: str | None = None,
        data: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookTestResult:
        """Send a signed sample event now and report the receiver's answer."""
        body = _bodies.compact(type=event_type, data=dict(data) if data else None)
        return cast(
            WebhookTestResult,
            self._call(
                "POST",
                f"/v1/webhook-endpoints/{_seg(endpoint_id)}/test",
                json=body,
                idempotency_key=idempotency_key,
            ),
        )

    def deliveries(
        self,
        endpoint_id: str,
        *,
        status: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> WebhookDeliveryPage:
        params = {"status": status, "limit": limit, "cursor": cursor}
        return cast(
            WebhookDeliveryPage,
            self._call(
                "GET",
                f"/v1/webhook-endpoints/{_seg(endpoint_id)}/deliveries",
                params=params,
            ),
        )

    def iter_deliveries(
        self,
        endpoint_id: str,
        *,
        status: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[WebhookDelivery]:
        return self._pages(
            lambda c: self.deliveries(
                endpoint_id, status=status, limit=page_size, cursor=c
            ),
            None,
        )

    def replay(
        self, endpoint_id: str, event_id: str, *, idempotency_key: str | None = None
    ) -> WebhookDelivery:
        """Deliver a past event again to this endpoint (same event id, new delivery)."""
        return cast(
            WebhookDelivery,
            self._call(
                "POST",
                f"/v1/webhook-endpoints/{_seg(endpoint_id)}/replay/{_seg(event_id)}",
                idempotency_key=idempotency_key,
            ),
        )


class PreflightRules(_Resource):
    def list(self, platform: str | None = None) -> list[PreflightRule]:
        page = self._call("GET", "/v1/preflight/rules", params={"platform": platform})
        return cast("list[PreflightRule]", page["data"])


class PlatformVersions(_Resource):
    def list(self) -> list[PlatformVersion]:
        return cast(
            "list[PlatformVersion]", self._call("GET", "/v1/platform-versions")["data"]
        )
