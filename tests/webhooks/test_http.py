"""The receiver-URL policy (webhook rules over platforms.http) and the session it chooses."""

from __future__ import annotations

from typing import Any

import pytest

from letmepost.errors import ValidationFailed
from tests.webhooks.conftest import Receiver
from webhooks.http import UnsafeUrl, check_receiver_url, receiver_session


@pytest.fixture
def strict(settings: Any) -> Any:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    settings.ALLOW_PRIVATE_URLS = False
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    return settings


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("ftp://93.184.216.34/", "webhook.url.invalid"),
        ("http://[::1/", "webhook.url.invalid"),
        ("https://93.184.216.34:99999/", "webhook.url.invalid"),
        ("http://93.184.216.34/", "webhook.url.https_required"),
        ("https://127.0.0.1/", "webhook.url.private_address"),
        ("https://[::ffff:10.0.0.1]/", "webhook.url.private_address"),
        ("https://169.254.169.254/latest/meta-data", "webhook.url.private_address"),
        ("https://no-such-host.invalid/", "webhook.url.unresolvable"),
    ],
)
def test_refused_receiver_urls(strict: Any, url: str, rule: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        check_receiver_url(url)
    assert info.value.rule == rule
    assert info.value.fields["remediation"]


def test_accepted_receiver_urls(strict: Any) -> None:
    check_receiver_url("https://93.184.216.34/hook")
    strict.WEBHOOKS_ALLOW_PRIVATE = True
    check_receiver_url("https://127.0.0.1:8000/")
    strict.WEBHOOKS_ALLOW_PRIVATE = False
    strict.ALLOW_PRIVATE_URLS = True  # the install-wide switch allows them too
    check_receiver_url("https://127.0.0.1:8000/")


def test_the_session_refuses_loopback_unless_webhooks_allow_it(
    strict: Any, receiver: Receiver
) -> None:
    with receiver_session() as s, pytest.raises(UnsafeUrl):
        s.post(receiver.url, data=b"{}", timeout=5)
    assert receiver.received == []
    strict.WEBHOOKS_ALLOW_PRIVATE = True
    with receiver_session() as s:
        assert s.post(receiver.url, data=b"{}", timeout=5).status_code == 200
    assert s.trust_env is False
