"""Outgoing HTTP for webhooks: the receiver-URL policy on top of `platforms.http`.

Every request goes through `platforms.http.session()`, whose guard resolves the host at connection
time and connects to exactly the address it checked, so a receiver name re-pointed at 127.0.0.1
after it was saved (DNS rebinding) is refused. Webhooks add two rules of their own:

- `https://` only, when WEBHOOKS_REQUIRE_HTTPS (production by default);
- their own switch for private receivers, LETMEPOST_WEBHOOKS_ALLOW_PRIVATE, so a developer can
  point webhooks at localhost without opening every other outgoing request (media URLs…) to the
  local network. The install-wide LETMEPOST_ALLOW_PRIVATE_URLS allows them too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from letmepost.errors import ValidationFailed
from platforms import http as platform_http

UnsafeUrl = platform_http.UnsafeUrl

REMEDIATION = {
    "webhook.url.invalid": "Give an absolute http:// or https:// URL.",
    "webhook.url.https_required": "Serve the receiver over https:// (for local development, set LETMEPOST_WEBHOOKS_REQUIRE_HTTPS=false).",
    "webhook.url.private_address": "Use a publicly reachable receiver (for local development, set LETMEPOST_WEBHOOKS_ALLOW_PRIVATE=true).",
    "webhook.url.unresolvable": "Check the host name; it must resolve in public DNS.",
}
# platforms.http's rule ids, as webhook rules with webhook remediations.
_RULES = {
    "url.scheme": "webhook.url.invalid",
    "url.host": "webhook.url.unresolvable",
    "url.private_address": "webhook.url.private_address",
}


def private_allowed() -> bool:
    return bool(settings.WEBHOOKS_ALLOW_PRIVATE) or platform_http.private_urls_allowed()


def _refuse(message: str, rule: str) -> ValidationFailed:
    return ValidationFailed(message, rule=rule, remediation=REMEDIATION[rule])


def check_receiver_url(url: str) -> None:
    """Raise validation_failed (rule webhook.url.*) for a receiver URL the policy refuses.

    An early, friendly check when the URL is saved; the guard in `receiver_session()` checks the
    address again on every connection.
    """
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError as exc:
        raise _refuse(
            f"The URL cannot be parsed: {exc}.", "webhook.url.invalid"
        ) from None
    if parts.scheme not in ("http", "https") or not host:
        raise _refuse(
            "Give an absolute http:// or https:// URL.", "webhook.url.invalid"
        )
    if settings.WEBHOOKS_REQUIRE_HTTPS and parts.scheme != "https":
        raise _refuse(
            "Webhook URLs must use https:// on this server.",
            "webhook.url.https_required",
        )
    if private_allowed():
        return
    try:
        platform_http.check_url(url)
    except UnsafeUrl as exc:
        rule = _RULES.get(exc.rule or "", "webhook.url.invalid")
        raise _refuse(exc.message, rule) from None
    except (OSError, UnicodeError, ValueError):  # names the resolver cannot even encode
        raise _refuse(
            f"The host name {host!r} does not resolve.", "webhook.url.unresolvable"
        ) from None


def receiver_session() -> requests.Session:
    """The guarded platforms.http session, or, when private receivers are allowed, a plain one
    with the same hygiene (no environment proxies, no retries)."""
    if not private_allowed():
        return platform_http.session()
    s = requests.Session()
    s.trust_env = False
    s.headers["User-Agent"] = platform_http.user_agent()
    adapter = HTTPAdapter(max_retries=0)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s
