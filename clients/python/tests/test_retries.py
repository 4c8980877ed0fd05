"""Retries against a scripted loopback server: 429/503 are retried (Retry-After honoured), a 500
is not, and every attempt of one logical write carries the same Idempotency-Key."""

from __future__ import annotations

import json
import time

import pytest
from support import scripted_server

from letmepost import (
    InternalServerError,
    Letmepost,
    LetmepostError,
    PlatformUnavailableError,
    RateLimitedError,
    RetryPolicy,
)
from letmepost._http import parse_retry_after

OK = (200, {"Content-Type": "application/json"}, b'{"data": []}')


def envelope(code: str, message: str = "try later") -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


def unavailable(retry_after: str) -> tuple[int, dict[str, str], bytes]:
    return (503, {"Retry-After": retry_after}, envelope("platform_unavailable"))


def client(url: str, waits: list[float], **kwargs: object) -> Letmepost:
    return Letmepost(api_key="lmp_test_x", base_url=url, sleep=waits.append, **kwargs)  # type: ignore[arg-type]


def test_503_with_retry_after_then_200_is_retried_with_the_same_key() -> None:
    waits: list[float] = []
    with (
        scripted_server([unavailable("2"), OK]) as fake,
        client(fake.url, waits) as lmp,
    ):
        assert lmp.profiles.create(name="x") == {"data": []}

    assert [r.method for r in fake.received] == ["POST", "POST"]
    keys = {r.headers["Idempotency-Key"] for r in fake.received}
    assert len(keys) == 1 and keys != {""}
    assert waits == [2.0]


def test_429_honours_retry_after_and_a_given_key_is_kept() -> None:
    waits: list[float] = []
    limited = (
        429,
        {"Retry-After": "7"},
        envelope("rate_limited", "Rate limit exceeded."),
    )
    with (
        scripted_server([limited, limited, OK]) as fake,
        client(fake.url, waits) as lmp,
    ):
        lmp.posts.cancel("abc", idempotency_key="mine-1")

    assert [r.headers["Idempotency-Key"] for r in fake.received] == ["mine-1"] * 3
    assert waits == [7.0, 7.0]


def test_real_wait_follows_retry_after() -> None:
    with (
        scripted_server([unavailable("1"), OK]) as fake,
        Letmepost(api_key="lmp_test_x", base_url=fake.url) as lmp,
    ):
        started = time.monotonic()
        lmp.accounts.list()
        elapsed = time.monotonic() - started

    assert len(fake.received) == 2
    assert 0.9 <= elapsed < 5


def test_500_is_not_retried() -> None:
    waits: list[float] = []
    with (
        scripted_server([(500, {}, envelope("internal_error", "boom")), OK]) as fake,
        client(fake.url, waits) as lmp,
        pytest.raises(InternalServerError) as caught,
    ):
        lmp.posts.create(targets=["sandbox"], text="x")

    assert len(fake.received) == 1
    assert waits == []
    assert caught.value.status == 500 and caught.value.message == "boom"


def test_other_statuses_are_not_retried() -> None:
    waits: list[float] = []
    for status in (502, 504, 400, 409):
        with (
            scripted_server([(status, {}, envelope("validation_failed")), OK]) as fake,
            client(fake.url, waits) as lmp,
            pytest.raises(LetmepostError),
        ):
            lmp.accounts.list()
        assert len(fake.received) == 1, status
    assert waits == []


def test_gives_up_after_max_retries_with_the_last_error() -> None:
    waits: list[float] = []
    with (
        scripted_server([unavailable("0")]) as fake,
        client(fake.url, waits, max_retries=2) as lmp,
        pytest.raises(PlatformUnavailableError) as caught,
    ):
        lmp.accounts.list()

    assert len(fake.received) == 3
    assert caught.value.status == 503 and caught.value.retry_after == 0


def test_backoff_without_retry_after_grows_and_is_capped() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_retries=5, base_delay=0.5, max_delay=2.0)
    limited = (429, {}, envelope("rate_limited"))
    with (
        scripted_server([limited]) as fake,
        client(fake.url, waits, retry_policy=policy) as lmp,
        pytest.raises(RateLimitedError),
    ):
        lmp.accounts.list()

    assert len(waits) == 5
    for attempt, wait in enumerate(waits):
        ceiling = min(0.5 * 2**attempt, 2.0)
        assert ceiling / 2 <= wait <= ceiling


def test_retry_after_is_capped_and_http_dates_are_understood() -> None:
    waits: list[float] = []
    with (
        scripted_server([unavailable("3600"), OK]) as fake,
        client(fake.url, waits) as lmp,
    ):
        lmp.accounts.list()
    assert waits == [30.0]

    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert parse_retry_after("nonsense") is None
    assert parse_retry_after("-5") == 0


def test_a_non_envelope_error_body_still_raises() -> None:
    with (
        scripted_server([(502, {}, b"<html>bad gateway</html>")]) as fake,
        Letmepost(api_key="lmp_test_x", base_url=fake.url) as lmp,
        pytest.raises(LetmepostError) as caught,
    ):
        lmp.accounts.list()

    assert caught.value.status == 502
    assert "bad gateway" in caught.value.message
