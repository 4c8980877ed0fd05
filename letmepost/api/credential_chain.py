"""A shorter middleware chain for API requests that carry a credential.

A request with an `Authorization` header under an API path is authenticated by that header alone:
it never reads a session, a CSRF cookie, a signed-in user, flash messages, htmx headers or the
viewer's time zone, and answers JSON, not HTML pages or static files. Running the browser's
middleware for it anyway cost ~7 % of an accepted post's CPU (docs/performance.md, sixth pass).
`CredentialChainMiddleware` sends such requests through the rest of `settings.MIDDLEWARE` without
`BROWSER_ONLY`; everything else goes down the full chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

from letmepost.api.errors import is_api_path

BROWSER_ONLY = frozenset(
    {
        "letmepost.csp.ContentSecurityPolicyMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "allauth.account.middleware.AccountMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
        "letmepost.dashboard.ViewerTimezoneMiddleware",
    }
)

# Synchronous throughout; the stubs type a chain link as maybe-awaitable.
Handler = Callable[[HttpRequest], Any]


class _CredentialHandler(BaseHandler):
    """Django's request handling (URL resolution, view middleware, atomic views, exception
    middleware) under the given middleware, built the way `BaseHandler.load_middleware` builds
    a synchronous chain."""

    _get_response: Handler  # Django's, undeclared in the stubs

    def __init__(self, middleware: list[str]) -> None:
        super().__init__()
        self._view_middleware: list[Callable[..., HttpResponseBase | None]] = []
        self._template_response_middleware: list[Callable[..., HttpResponseBase]] = []
        self._exception_middleware: list[Callable[..., HttpResponseBase | None]] = []
        handler: Handler = convert_exception_to_response(self._get_response)
        for path in reversed(middleware):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(
                    instance.process_template_response
                )
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self.chain = handler


def credential_middleware() -> list[str]:
    """What follows this middleware in `settings.MIDDLEWARE`, minus the browser's."""
    chain = list(settings.MIDDLEWARE)
    rest = chain[chain.index(f"{__name__}.CredentialChainMiddleware") + 1 :]
    return [path for path in rest if path not in BROWSER_ONLY]


class CredentialChainMiddleware:
    """Route credentialed API requests down the short chain (module docstring)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.credential_chain = _CredentialHandler(credential_middleware()).chain

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "HTTP_AUTHORIZATION" in request.META and is_api_path(request.path):
            return self.credential_chain(request)
        return self.get_response(request)
