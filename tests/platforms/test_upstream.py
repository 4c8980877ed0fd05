"""platforms.upstream.UpstreamClient: the one request path every platform client builds on."""

from __future__ import annotations

import pytest
import requests
import responses
from urllib3.exceptions import NewConnectionError

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PublishOutcomeUnknown,
)
from platforms.upstream import UpstreamClient, retry_after

API = "https://api.example.com"
TOKEN = "tok-secret-123"


class ExampleClient(UpstreamClient):
    """The smallest platform client: everything but a name comes from the base."""

    platform = "example"
    name = "Example"


@pytest.fixture
def client() -> ExampleClient:
    return ExampleClient(version="example-v1", secrets=(TOKEN,))


@pytest.fixture
def upstream():
    with responses.RequestsMock() as mock:
        yield mock


def refused() -> requests.ConnectionError:
    """What requests raises when no connection could be made (urllib3 wraps the cause)."""
    return requests.ConnectionError(NewConnectionError(None, "Connection refused"))  # type: ignore[arg-type]


def test_a_refused_connection_is_unavailable_even_for_a_write(client, upstream) -> None:
    upstream.post(f"{API}/posts", body=refused())
    with pytest.raises(PlatformUnavailable) as caught:
        client.request("POST", f"{API}/posts", write=True)
    assert type(caught.value) is PlatformUnavailable
    assert caught.value.fields["platform"] == "example"
    assert caught.value.fields["platform_version"] == "example-v1"
    assert caught.value.fields["platform_response"]["error"] == "ConnectionError"


def test_a_lost_answer_to_a_write_is_an_unknown_outcome(client, upstream) -> None:
    upstream.post(f"{API}/posts", body=requests.ReadTimeout("read timed out"))
    with pytest.raises(PublishOutcomeUnknown) as caught:
        client.request("POST", f"{API}/posts", write=True)
    assert caught.value.rule == "publish.outcome_unknown"
    assert caught.value.fields["platform_response"]["error"] == "ReadTimeout"


def test_a_lost_answer_to_a_read_is_only_unavailable(client, upstream) -> None:
    upstream.get(f"{API}/me", body=requests.ReadTimeout("read timed out"))
    with pytest.raises(PlatformUnavailable) as caught:
        client.request("GET", f"{API}/me", unreachable_rule="example.me.unreachable")
    assert type(caught.value) is PlatformUnavailable
    assert caught.value.rule == "example.me.unreachable"


def test_a_token_in_the_failure_text_never_reaches_the_error(client, upstream) -> None:
    url = f"{API}/me?access_token={TOKEN}"
    upstream.get(url, body=requests.ConnectionError(f"failed on {url}"))
    with pytest.raises(PlatformUnavailable) as caught:
        client.request("GET", url)
    assert TOKEN not in str(caught.value.fields)
    assert "[redacted]" in caught.value.fields["platform_response"]["message"]
    assert caught.value.__cause__ is None  # the unscrubbed exception is not chained


@pytest.mark.parametrize(
    ("status", "write", "raised"),
    [
        (401, False, PlatformAuthFailed),
        (403, False, PlatformAuthFailed),
        (422, True, PlatformRejected),
        (503, False, PlatformUnavailable),
        (503, True, PublishOutcomeUnknown),
    ],
)
def test_the_default_classification(client, upstream, status, write, raised) -> None:
    upstream.post(f"{API}/posts", status=status, json={"message": "no"})
    with pytest.raises(raised) as caught:
        client.request("POST", f"{API}/posts", write=write)
    assert type(caught.value) is raised
    assert caught.value.fields["platform_response"] == {"message": "no"}
    assert caught.value.message == f"POST /posts answered {status}: no"


def test_a_429_carries_retry_after(client, upstream) -> None:
    upstream.get(f"{API}/me", status=429, headers={"Retry-After": "30"}, body="slow")
    with pytest.raises(PlatformRateLimited) as caught:
        client.request("GET", f"{API}/me")
    assert caught.value.retry_after == 30
    assert caught.value.fields["platform_response"] == "slow"


def test_an_allowed_status_is_returned(client, upstream) -> None:
    upstream.get(f"{API}/v2", status=404)
    assert client.request("GET", f"{API}/v2", allow=(404,)).status_code == 404


def test_retry_after_prefers_the_platforms_own_wait_then_retry_after() -> None:
    answer = requests.Response()
    assert retry_after(answer, default=90) == 90
    answer.headers["Retry-After"] = "12"
    assert retry_after(answer) == 12
    assert retry_after(answer, None, 40) == 40
    assert retry_after(answer, -5) == 1  # a reset already past: ask again soon
