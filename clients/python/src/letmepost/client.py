"""`Letmepost`: the synchronous client.

from letmepost import Letmepost

with Letmepost(api_key="lmp_live_...", base_url="https://letmepost.example.com") as lmp:
    result = lmp.posts.create(targets=["bluesky"], text="Hello")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import httpx

from letmepost._http import (
    DEFAULT_BASE_URL,
    Request,
    ResponseInfo,
    RetryPolicy,
    Transport,
)
from letmepost._resources import (
    Accounts,
    ApiKeys,
    MediaResource,
    PlatformVersions,
    Posts,
    PreflightRules,
    Profiles,
    Queues,
    WebhookEndpoints,
)
from letmepost.errors import UnauthorizedError
from letmepost.types import Media, Post, WebhookDelivery, WhoAmI


def mask_key(key: str) -> str:
    """Enough of a key to recognise it, never enough to use it."""
    if len(key) <= 16:
        return "*" * len(key)
    return f"{key[:12]}…{key[-4:]}"


class Letmepost:
    """A client for every `/v1` operation. Thread-safe except `last_response`.

    `api_key` and `base_url` default to env `LETMEPOST_API_KEY` / `LETMEPOST_BASE_URL`.
    Writes get an automatic `Idempotency-Key` (pass `idempotency_key=` to choose it); 429 and
    503 answers are retried up to `max_retries` times, honouring `Retry-After`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        key = api_key or os.environ.get("LETMEPOST_API_KEY", "")
        if not key:
            raise ValueError(
                "An API key is required: pass api_key= or set LETMEPOST_API_KEY."
            )
        base = base_url or os.environ.get("LETMEPOST_BASE_URL") or DEFAULT_BASE_URL
        policy = retry_policy or RetryPolicy(max_retries=max_retries)
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        self._transport = Transport(
            api_key=key,
            base_url=base,
            timeout=timeout,
            retry=policy,
            http_client=http_client,
            **extra,
        )
        self.posts = Posts(self._transport)
        self.media = MediaResource(self._transport)
        self.accounts = Accounts(self._transport)
        self.profiles = Profiles(self._transport)
        self.queues = Queues(self._transport)
        self.api_keys = ApiKeys(self._transport)
        self.webhooks = WebhookEndpoints(self._transport)
        self.preflight_rules = PreflightRules(self._transport)
        self.platform_versions = PlatformVersions(self._transport)

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def last_response(self) -> ResponseInfo | None:
        """Status and headers (request id, idempotent replay) of the latest answer."""
        return self._transport.last_response

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Any call by hand, with the same auth, idempotency, retries and errors."""
        return self._transport.send(
            Request(
                method, path, params=params, json=json, idempotency_key=idempotency_key
            )
        )

    def iter_posts(
        self, *, page_size: int | None = None, **filters: Any
    ) -> Iterator[Post]:
        return self.posts.iter(page_size=page_size, **filters)

    def iter_media(
        self, *, profile_id: str | None = None, page_size: int | None = None
    ) -> Iterator[Media]:
        return self.media.iter(profile_id=profile_id, page_size=page_size)

    def iter_webhook_deliveries(
        self,
        endpoint_id: str,
        *,
        status: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[WebhookDelivery]:
        return self.webhooks.iter_deliveries(
            endpoint_id, status=status, page_size=page_size
        )

    def whoami(self) -> WhoAmI:
        """Who this key is: the server has no such endpoint, so it is read from the key list,
        the profiles and the accounts the key can see."""
        key = self._transport.api_key
        info: WhoAmI = {
            "baseUrl": self.base_url,
            "key": mask_key(key),
            "livemode": not key.startswith("lmp_test_"),
            "keyName": None,
            "keyProfileId": None,
        }
        try:
            keys = self.api_keys.list()
        except UnauthorizedError:  # a key without admin rights may not list keys
            keys = []
        for row in keys:
            if (
                not row.get("revokedAt")
                and key.startswith(row.get("prefix", "\0"))
                and key.endswith(row.get("last4", "\0"))
            ):
                info["keyName"] = row.get("name")
                info["keyProfileId"] = row.get("profileId")
                break
        info["profiles"] = self.profiles.list()
        info["accounts"] = len(self.accounts.list())
        return info

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Letmepost:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
