"""Fixed-window request limits per credential, shared through the Django cache (spec D10).

The bucket is the API key, else the session user, else the client address. With REDIS_URL set
every replica counts in the same Redis; embedded mode counts in process memory.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from letmepost.api.errors import error_response, is_api_path
from letmepost.errors import RateLimited

logger = logging.getLogger("letmepost.ratelimit")

UNLIMITED_PREFIXES = ("/health", "/v1/openapi.json")
RATE_LIMITED_KEY = "metrics:rate_limit_rejections"  # read by letmepost.metrics


def count_rate_limited() -> None:
    """Count one refused request in the shared cache; never lets a cache error escape."""
    try:
        cache.add(RATE_LIMITED_KEY, 0, timeout=None)
        cache.incr(RATE_LIMITED_KEY)
    except Exception:  # a cache outage must not turn a 429 into a 500
        logger.debug("rate-limit counter unavailable", exc_info=True)


@dataclass(frozen=True)
class Window:
    limit: int
    remaining: int
    reset: int  # seconds until the window starts over

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):  # behind a proxy we trust
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",", 1)[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def bucket_for(request: HttpRequest) -> str:
    principal = getattr(request, "principal", None)
    return principal.credential_id if principal else f"ip:{client_address(request)}"


@functools.cache
def _redis(location: str) -> redis.Redis:
    return redis.Redis.from_url(location)


def _count(key: str, timeout: int) -> int:
    """Add one to the counter at `key` (created with `timeout`) and return it.

    On Redis, SET NX and INCR go in one pipelined round trip: Django's cache API would take
    three (add; incr = EXISTS + INCR), each building a new client object.
    """
    config = settings.CACHES["default"]
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        pipe = _redis(config["LOCATION"]).pipeline(transaction=False)
        full_key = cache.make_and_validate_key(key)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incr(full_key)
        return int(pipe.execute()[1])
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def hit(bucket: str, *, limit: int, window: int, now: float | None = None) -> Window:
    """Count one request in `bucket`'s current window and report what is left."""
    now = time.time() if now is None else now
    started = int(now // window) * window
    count = _count(f"ratelimit:{bucket}:{started}", window + 1)
    return Window(
        limit=limit,
        remaining=limit - count,
        reset=max(1, math.ceil(started + window - now)),
    )


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_path(request.path) or request.path.startswith(UNLIMITED_PREFIXES):
            return self.get_response(request)
        limit = settings.RATE_LIMIT
        try:
            window = hit(
                bucket_for(request), limit=limit, window=settings.RATE_LIMIT_WINDOW
            )
        except Exception:  # a cache outage must not take the API down with it
            logger.warning(
                "rate limiter unavailable; request let through", exc_info=True
            )
            return self.get_response(request)
        response: HttpResponse
        if window.exceeded:
            count_rate_limited()  # for /metrics, in the cache every replica shares
            response = error_response(RateLimited(retry_after=window.reset), request)
        else:
            response = self.get_response(request)
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(max(0, window.remaining))
        response["RateLimit-Reset"] = str(window.reset)
        response["X-RateLimit-Limit"] = str(limit)
        return response
