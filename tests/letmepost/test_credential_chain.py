"""API requests with a credential skip the browser's middleware; every other request keeps it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from letmepost.api.credential_chain import BROWSER_ONLY, credential_middleware
from tests.conftest import Persona


def test_a_keyed_api_request_runs_without_the_browser_middleware(
    owner: Persona,
) -> None:
    response = owner.client.post(
        "/v1/profiles", data={"name": "Brand"}, content_type="application/json"
    )
    assert response.status_code == 201
    request = response.wsgi_request
    assert not hasattr(request, "session")  # SessionMiddleware did not run
    assert not hasattr(request, "htmx")  # nor HtmxMiddleware
    assert request.principal.workspace == owner.workspace  # type: ignore[attr-defined]
    # What the kept middleware adds is still there.
    assert response["X-Request-Id"].startswith("req_")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_browser_calling_the_api_keeps_sessions_and_csrf(
    owner: Persona,
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner.user)
    refused = browser.post(
        "/v1/profiles", data={"name": "Brand"}, content_type="application/json"
    )
    assert refused.status_code == 403  # the session path still checks CSRF
    assert hasattr(refused.wsgi_request, "session")
    browser.get("/app/settings/")  # renders a form: sets the csrftoken cookie
    accepted = browser.post(
        "/v1/profiles",
        data={"name": "Brand"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 201


def test_a_credential_on_a_dashboard_page_does_not_shorten_its_chain(
    owner: Persona,
) -> None:
    response = owner.client.get("/")
    assert hasattr(response.wsgi_request, "session")


@pytest.mark.urls("tests.urls")
def test_an_unhandled_error_on_the_short_chain_is_still_the_envelope(
    owner: Persona,
) -> None:
    response = owner.client.post(
        "/v1/test/boom", data={}, content_type="application/json"
    )
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert not hasattr(response.wsgi_request, "session")


def test_the_short_chain_is_the_rest_of_the_settings_minus_the_browsers() -> None:
    # A renamed browser middleware would silently stay on the short chain: each name must exist.
    assert set(settings.MIDDLEWARE) >= BROWSER_ONLY
    short = credential_middleware()
    assert not BROWSER_ONLY & set(short)
    assert short[-3:] == [
        "letmepost.api.auth.ApiAuthMiddleware",
        "letmepost.api.ratelimit.RateLimitMiddleware",
        "letmepost.api.idempotency.IdempotencyMiddleware",
    ]
