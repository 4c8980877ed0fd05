"""Choosing the location at connect (issue #19): a Google account with two locations connects
none until the person picks, in the dashboard picker or with the API's two-step select."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from platforms.models import PendingSelection, PlatformAccount
from platforms.services import purge_stale_rows
from tests.conftest import Persona, error_of, post_json
from tests.dashboard.conftest import signed_in
from tests.platforms.google_business.conftest import (
    ACCOUNT,
    ACCOUNTS,
    LOCATION,
    LOCATIONS,
    TOKEN_URL,
    payload,
)

CONNECT = "/v1/accounts/connect/google_business"
CALLBACK = "/v1/accounts/oauth/google_business/callback"
SELECT = f"{CONNECT}/select"
SECOND = f"{ACCOUNT}/locations/9021887374412000117"


def two_locations() -> dict:
    body = payload("locations")
    body["locations"].append(
        {
            "name": "locations/9021887374412000117",
            "title": "Difference Engine Bakery",
            "storefrontAddress": {"regionCode": "GB", "locality": "Bath"},
        }
    )
    return body


def google_answers(upstream) -> None:
    upstream.post(
        TOKEN_URL,
        json={
            "access_token": "g-access",
            "refresh_token": "g-refresh",
            "expires_in": 3599,
        },
    )
    upstream.get(ACCOUNTS, json=payload("accounts"))
    upstream.get(LOCATIONS, json=two_locations())


def start(persona: Persona, **body) -> str:
    return post_json(persona.client, CONNECT, body).json()["descriptor"]["state"]


def complete(persona: Persona, upstream) -> dict:
    google_answers(upstream)
    response = post_json(
        persona.client, f"{CONNECT}/complete", {"code": "c", "state": start(persona)}
    )
    assert response.status_code == 202, response.content
    return response.json()


def test_the_dashboard_picker_connects_only_the_chosen_location(
    owner: Persona, upstream
) -> None:
    tile = signed_in(owner.user).post(
        reverse("platforms:connect", args=["google_business"]),
        {"google_business-profile": str(owner.profile.pk)},
    )
    state = parse_qs(urlsplit(tile["Location"]).query)["state"][0]
    google_answers(upstream)
    browser = signed_in(owner.user, enforce_csrf_checks=True)
    back = browser.get(CALLBACK, {"code": "c", "state": state})
    query = parse_qs(urlsplit(back["Location"]).query)
    assert query["platform"] == ["google_business"] and "connected" not in query
    assert not PlatformAccount.objects.exists()  # none pre-connected

    picker = browser.get(back["Location"], follow=True)
    page = picker.content.decode()
    assert picker.status_code == 200
    assert "Analytical Engines Café" in page and "Difference Engine Bakery" in page
    assert "checked" not in page and "g-access" not in page
    url = picker.redirect_chain[-1][0]

    # Without the CSRF token the form is refused; with it, one of two is connected.
    assert browser.post(url, {"externalIds": [SECOND]}).status_code == 403
    token = picker.context["csrf_token"]
    done = browser.post(url, {"externalIds": [SECOND], "csrfmiddlewaretoken": token})
    assert done.status_code == 302
    account = PlatformAccount.objects.get()
    assert (account.external_id, account.display_name) == (
        SECOND,
        "Difference Engine Bakery",
    )
    assert account.credentials["refreshToken"] == "g-refresh"
    assert account.token_expires_at is not None
    assert not PendingSelection.objects.exists()  # single use
    assert browser.get(url).status_code == 404


def test_the_dashboard_picker_asks_for_at_least_one(owner: Persona, upstream) -> None:
    held = complete(owner, upstream)
    url = reverse("platforms:select", args=[held["selectionId"]])
    refused = signed_in(owner.user).post(url, {})
    assert refused.status_code == 400
    assert not PlatformAccount.objects.exists()


def test_the_api_two_step_lists_candidates_then_connects_the_chosen(
    owner: Persona, upstream, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    held = complete(owner, upstream)
    assert held["platform"] == "google_business"
    assert [c["externalId"] for c in held["candidates"]] == [LOCATION, SECOND]
    assert held["candidates"][1]["metadata"]["accountName"] == ACCOUNT
    assert "g-access" not in str(held) and not PlatformAccount.objects.exists()

    listed = owner.client.get(SELECT, {"selectionId": held["selectionId"]})
    assert listed.json()["candidates"] == held["candidates"]

    unknown = post_json(
        owner.client, SELECT, {"selectionId": held["selectionId"], "externalIds": ["x"]}
    )
    assert error_of(unknown)["rule"] == "externalIds"
    chosen = post_json(
        owner.client,
        SELECT,
        {"selectionId": held["selectionId"], "externalIds": [LOCATION, SECOND]},
    )
    assert chosen.status_code == 201
    assert [a["platformAccountId"] for a in chosen.json()["data"]] == [LOCATION, SECOND]
    assert PlatformAccount.objects.filter(workspace=owner.workspace).count() == 2
    again = post_json(
        owner.client,
        SELECT,
        {"selectionId": held["selectionId"], "externalIds": [LOCATION]},
    )
    assert again.status_code == 404
    assert "g-access" not in caplog.text and "g-refresh" not in caplog.text


def test_an_expired_selection_is_not_found_and_purged(owner: Persona, upstream) -> None:
    held = complete(owner, upstream)
    PendingSelection.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    late = post_json(
        owner.client,
        SELECT,
        {"selectionId": held["selectionId"], "externalIds": [LOCATION]},
    )
    assert late.status_code == 404 and error_of(late)["rule"] == "connect.selection"
    assert purge_stale_rows() == 1 and not PendingSelection.objects.exists()


def test_another_workspace_cannot_see_or_use_the_selection(
    owner: Persona, outsider: Persona, upstream
) -> None:
    held = complete(owner, upstream)
    body = {"selectionId": held["selectionId"], "externalIds": [LOCATION]}
    assert post_json(outsider.client, SELECT, body).status_code == 404
    listed = outsider.client.get(SELECT, {"selectionId": held["selectionId"]})
    assert listed.status_code == 404
    url = reverse("platforms:select", args=[held["selectionId"]])
    assert signed_in(outsider.user).get(url).status_code == 404
    assert not PlatformAccount.objects.exists()
    assert post_json(owner.client, SELECT, body).status_code == 201  # still the owner's


@pytest.mark.parametrize("selection_id", ["not-a-uuid", "0" * 32])
def test_a_malformed_or_unknown_selection_is_not_found(
    owner: Persona, selection_id: str
) -> None:
    listed = owner.client.get(SELECT, {"selectionId": selection_id})
    assert listed.status_code == 404
