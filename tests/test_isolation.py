"""`make test` runs on several pytest-xdist workers: none may see another's files or cache keys."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache

WORKER = os.environ.get("PYTEST_XDIST_WORKER")


@pytest.mark.skipif(WORKER is None, reason="runs under pytest-xdist (make test)")
def test_each_worker_has_a_data_dir_of_its_own() -> None:
    assert settings.DATA_DIR.name == WORKER
    assert settings.MEDIA_ROOT.is_relative_to(settings.DATA_DIR)


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")
def test_clearing_the_cache_keeps_the_other_workers_keys() -> None:
    client = cache._cache.get_client(write=True)
    theirs = "test-elsewhere:1:ratelimit"
    client.set(theirs, 2)
    cache.set("ours", 1)
    try:
        cache.clear()
        assert cache.get("ours") is None
        assert client.get(theirs) == b"2"
    finally:
        client.delete(theirs)
