"""A Content-Security-Policy on every HTML page (issue #15): scripts and styles from our origin only.

Django 5.2 has no CSP support (6.0 does), and one fixed policy needs no package. Every page keeps
its scripts and styles in files under static/ (tests/letmepost/test_csp.py checks the templates),
so no inline script can run even if some text ever escaped the templates' auto-escaping.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def build_policy() -> str:
    """The policy, from settings: media may live at PUBLIC_URL's origin or in an S3 bucket/CDN."""
    media = " ".join(
        sorted(
            {
                origin
                for url in (settings.PUBLIC_URL, settings.MEDIA_PUBLIC_BASE_URL)
                if (origin := _origin(url))
            }
        )
    )
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # data: the MFA QR code and Swagger UI's icons; blob: compose's local upload previews.
        "img-src": f"'self' data: blob: {media}",
        "media-src": f"'self' blob: {media}",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        # No form-action: Chrome applies it to the redirect after a POST, and connecting an
        # account posts to us and is then sent on to the platform's OAuth page.
    }
    return "; ".join(f"{name} {value.strip()}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Add the policy to HTML responses that do not set their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault(HEADER, self.policy)
        return response
