"""The Redis cache the tests use: pytest-xdist workers share one Redis db, each under its own prefix."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache


class WorkerRedisCache(RedisCache):
    def clear(self) -> bool:
        """Delete this worker's keys only.

        Django's clear() is FLUSHDB, which would also wipe the rate-limit counters and allauth
        throttles another worker is counting at that moment.
        """
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        return bool(client.delete(*keys)) if keys else True
