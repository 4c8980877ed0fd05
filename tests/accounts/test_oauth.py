"""OAuth 2.1 sign-in (issue #23 point 4): discovery, registration, consent, tokens, refusals.

Driven through Django's test client end to end: the client registers, the person consents on
the dashboard page, the code is exchanged with its PKCE verifier, and the token calls /v1.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from accounts.models import ApiKey, Membership, Profile
from accounts.oauth.models import Authorization
from accounts.services import authenticate_api_key, create_profile
from tests.conftest import Persona, api_client, connect_sandbox, error_of, post_json

REDIRECT = "http://127.0.0.1:8765/callback"
SCOPE = "publish read offline_access"


@pytest.fixture(autouse=True)
def fresh_limits(settings: Any) -> None:
    """Registrations are rate-limited per address, and every test client is 127.0.0.1."""
    cache.clear()
    settings.OAUTH_REGISTRATIONS_PER_HOUR = 1000


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def register(client: Client | None = None, **metadata: Any) -> Any:
    body = {
        "client_name": "letmepost-cli",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        **metadata,
    }
    return post_json(client or Client(), "/oauth2/register", body)


def signed_in(persona: Persona) -> Client:
    browser = Client()
    browser.force_login(persona.user)
    return browser


def authorize_params(
    client_id: str, challenge: str | None, **extra: str
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": SCOPE,
        "state": "st-1",
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params | extra


def consent(
    browser: Client, params: dict[str, str], target: str, allow: bool = True
) -> Any:
    """GET the consent page, then submit its form as a person would."""
    page = browser.get("/oauth2/authorize?" + urlencode(params))
    assert page.status_code == 200, page.content[:500]
    html = page.content.decode()
    fields = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    )
    fields["target"] = target
    if allow:
        fields["allow"] = "on"
    return browser.post("/oauth2/authorize", fields)


def code_from(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(REDIRECT), location
    return parse_qs(urlsplit(location).query)


def token_request(**data: str) -> Any:
    return Client().post("/oauth2/token", data)


def exchange(client_id: str, redirect: Any, verifier: str) -> Any:
    """Trade the code in a consent's redirect for tokens."""
    return token_request(
        grant_type="authorization_code",
        code=code_from(redirect)["code"][0],
        redirect_uri=REDIRECT,
        client_id=client_id,
        code_verifier=verifier,
    )


def refresh(tokens: dict[str, Any]) -> Any:
    return token_request(
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
        client_id=tokens["client_id"],
    )


def sign_in(
    persona: Persona, target: str | None = None, scope: str = SCOPE
) -> dict[str, Any]:
    """The whole flow; returns the token response."""
    client_id = register().json()["client_id"]
    verifier, challenge = pkce()
    params = authorize_params(client_id, challenge, scope=scope)
    redirect = consent(
        signed_in(persona), params, target or f"w:{persona.workspace.pk}"
    )
    response = exchange(client_id, redirect, verifier)
    assert response.status_code == 200, response.content
    return response.json() | {"client_id": client_id}


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


# --- discovery -----------------------------------------------------------------------------


def test_authorization_server_metadata_names_our_endpoints(db: None) -> None:
    meta = Client().get("/.well-known/oauth-authorization-server").json()
    base = settings.PUBLIC_URL
    assert meta["issuer"] == base
    assert meta["authorization_endpoint"] == f"{base}/oauth2/authorize"
    assert meta["token_endpoint"] == f"{base}/oauth2/token"
    assert meta["registration_endpoint"] == f"{base}/oauth2/register"
    assert meta["revocation_endpoint"] == f"{base}/oauth2/revoke"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert meta["response_types_supported"] == ["code"]
    assert meta["token_endpoint_auth_methods_supported"] == ["none"]
    assert set(meta["scopes_supported"]) == {"publish", "read", "offline_access"}


@pytest.mark.parametrize("suffix", ["", "/mcp", "/v1"])
def test_protected_resource_metadata_per_resource(db: None, suffix: str) -> None:
    meta = Client().get(f"/.well-known/oauth-protected-resource{suffix}").json()
    assert meta["resource"] == settings.PUBLIC_URL + suffix
    assert meta["authorization_servers"] == [settings.PUBLIC_URL]
    assert meta["scopes_supported"] == ["read", "publish", "offline_access"]
    assert meta["bearer_methods_supported"] == ["header"]


def test_an_unknown_protected_resource_is_404(db: None) -> None:
    assert (
        Client().get("/.well-known/oauth-protected-resource/admin").status_code == 404
    )


def test_the_cli_probe_finds_the_authorize_endpoint(db: None) -> None:
    """`lmp login` probes GET /oauth2/authorize and falls back to key paste on 404."""
    assert Client().get("/oauth2/authorize").status_code != 404


# --- registration --------------------------------------------------------------------------


def test_registration_makes_a_public_client(db: None) -> None:
    response = register(token_endpoint_auth_method="client_secret_basic")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["token_endpoint_auth_method"] == "none"  # replaced, as RFC 7591 allows
    assert "client_secret" not in body
    assert body["redirect_uris"] == [REDIRECT]
    assert body["client_name"] == "letmepost-cli"


@pytest.mark.parametrize(
    "uri",
    [
        "http://evil.example/callback",  # plain http off loopback
        "https://app.example/cb#frag",
        "https://user:pw@app.example/cb",
        "javascript:alert(1)",
        "http://127.0.0.1.evil.example/cb",
        "",
    ],
)
def test_registration_refuses_bad_redirect_uris(db: None, uri: str) -> None:
    response = register(redirect_uris=[uri])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_redirect_uri"


@pytest.mark.parametrize(
    "uri",
    ["http://localhost:1234/callback", "http://[::1]:9/cb", "https://agent.example/cb"],
)
def test_registration_accepts_loopback_and_https(db: None, uri: str) -> None:
    assert register(redirect_uris=[uri]).status_code == 201


def test_registration_refuses_other_grants(db: None) -> None:
    response = register(grant_types=["client_credentials"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"


def test_registration_is_rate_limited_per_address(db: None, settings: Any) -> None:
    settings.OAUTH_REGISTRATIONS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert [register(client).status_code for _ in range(3)] == [201, 201, 429]
    assert register(Client(REMOTE_ADDR="203.0.113.10")).status_code == 201


# --- consent -------------------------------------------------------------------------------


def test_consent_needs_a_signed_in_person(db: None) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    page = Client().get(
        "/oauth2/authorize?" + urlencode(authorize_params(client_id, challenge))
    )
    assert page.status_code == 302
    assert page["Location"].startswith(settings.LOGIN_URL)


def test_consent_lists_only_the_persons_workspaces(
    owner: Persona, outsider: Persona
) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    html = (
        signed_in(owner)
        .get("/oauth2/authorize?" + urlencode(authorize_params(client_id, challenge)))
        .content.decode()
    )
    assert str(owner.workspace.pk) in html
    assert str(outsider.workspace.pk) not in html
    assert "letmepost-cli" in html


def test_consent_refuses_another_workspace(owner: Persona, outsider: Persona) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    response = consent(
        signed_in(owner),
        authorize_params(client_id, challenge),
        f"w:{outsider.workspace.pk}",
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Authorization.objects.exists()


def test_the_consent_form_is_csrf_protected(owner: Persona) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner.user)
    fields = authorize_params(client_id, challenge) | {
        "allow": "on",
        "target": f"w:{owner.workspace.pk}",
    }
    assert browser.post("/oauth2/authorize", fields).status_code == 403
    assert not Authorization.objects.exists()


def test_denying_redirects_with_access_denied(owner: Persona) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    response = consent(
        signed_in(owner),
        authorize_params(client_id, challenge),
        f"w:{owner.workspace.pk}",
        allow=False,
    )
    assert code_from(response)["error"] == ["access_denied"]
    assert not Authorization.objects.exists()


# --- tokens --------------------------------------------------------------------------------


def test_the_flow_issues_tokens_that_call_the_api(owner: Persona) -> None:
    account = connect_sandbox(owner, "oauth-demo")
    tokens = sign_in(owner)
    assert tokens["token_type"] == "Bearer"
    assert set(tokens["scope"].split()) == set(SCOPE.split())
    assert tokens["refresh_token"]
    accounts = bearer(tokens["access_token"]).get("/v1/accounts")
    assert accounts.status_code == 200
    assert [a["id"] for a in accounts.json()["data"]] == [str(account.pk)]
    created = post_json(
        bearer(tokens["access_token"]),
        "/v1/posts",
        {"targets": [{"platform": "sandbox"}], "text": "signed in with OAuth"},
    )
    assert created.status_code in (200, 201), created.content


def test_tokens_are_stored_only_as_checksums(owner: Persona) -> None:
    from oauth2_provider.models import AccessToken, RefreshToken

    tokens = sign_in(owner)
    assert not AccessToken.objects.filter(token=tokens["access_token"]).exists()
    assert not RefreshToken.objects.filter(token=tokens["refresh_token"]).exists()
    assert AccessToken.objects.get(user=owner.user).token == ""


def test_a_code_without_pkce_is_refused(owner: Persona) -> None:
    client_id = register().json()["client_id"]
    page = signed_in(owner).get(
        "/oauth2/authorize?" + urlencode(authorize_params(client_id, None))
    )
    # A missing code_challenge is a redirectable error (RFC 7636 §4.4.1).
    assert page.status_code == 302
    assert "error=invalid_request" in page["Location"]


def test_a_plain_pkce_challenge_is_refused(owner: Persona) -> None:
    client_id = register().json()["client_id"]
    params = authorize_params(client_id, "x" * 43) | {"code_challenge_method": "plain"}
    page = signed_in(owner).get("/oauth2/authorize?" + urlencode(params))
    assert page.status_code == 302
    assert "error=" in page["Location"]


def test_a_wrong_verifier_gets_no_token(owner: Persona) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    redirect = consent(
        signed_in(owner),
        authorize_params(client_id, challenge),
        f"w:{owner.workspace.pk}",
    )
    response = exchange(client_id, redirect, pkce()[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_an_unknown_scope_is_refused(owner: Persona) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    params = authorize_params(client_id, challenge, scope="publish admin")
    page = signed_in(owner).get("/oauth2/authorize?" + urlencode(params))
    assert page.status_code == 302
    assert "error=invalid_scope" in page["Location"]


def test_an_unregistered_redirect_uri_is_never_followed(owner: Persona) -> None:
    client_id = register().json()["client_id"]
    _, challenge = pkce()
    params = authorize_params(
        client_id, challenge, redirect_uri="https://evil.example/cb"
    )
    page = signed_in(owner).get("/oauth2/authorize?" + urlencode(params))
    assert page.status_code == 400  # shown to the person, not redirected
    assert "evil.example" not in page.get("Location", "")


def test_the_loopback_port_may_change_between_sign_ins(owner: Persona) -> None:
    """RFC 8252 §7.3: a CLI listens on a new random port each time."""
    client_id = register(redirect_uris=["http://localhost:4000/callback"]).json()[
        "client_id"
    ]
    _, challenge = pkce()
    params = authorize_params(
        client_id, challenge, redirect_uri="http://localhost:51234/callback"
    )
    assert (
        signed_in(owner).get("/oauth2/authorize?" + urlencode(params)).status_code
        == 200
    )


def test_refresh_needs_offline_access(owner: Persona) -> None:
    assert "refresh_token" not in sign_in(owner, scope="publish read")
    tokens = sign_in(owner)
    refreshed = refresh(tokens)
    assert refreshed.status_code == 200, refreshed.content
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"]  # rotated
    assert bearer(new["access_token"]).get("/v1/accounts").status_code == 200
    assert bearer(tokens["access_token"]).get("/v1/accounts").status_code == 401


def test_a_read_token_reads_but_cannot_write(owner: Persona) -> None:
    tokens = sign_in(owner, scope="read")
    client = bearer(tokens["access_token"])
    assert client.get("/v1/accounts").status_code == 200
    refused = post_json(client, "/v1/profiles", {"name": "Nope"})
    assert refused.status_code == 403
    assert error_of(refused)["rule"] == "oauth.insufficient_scope"
    assert not Profile.objects.filter(name="Nope").exists()


def test_a_revoked_token_stops_at_once(owner: Persona) -> None:
    tokens = sign_in(owner)
    revoked = Client().post(
        "/oauth2/revoke",
        {"token": tokens["access_token"], "client_id": tokens["client_id"]},
    )
    assert revoked.status_code == 200
    response = bearer(tokens["access_token"]).get("/v1/accounts")
    assert response.status_code == 401
    assert error_of(response)["rule"] == "oauth.token_invalid"
    assert "resource_metadata=" in response["WWW-Authenticate"]


def test_an_unknown_token_is_401(db: None) -> None:
    response = bearer("not-a-token").get("/v1/accounts")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


def test_revoking_in_the_dashboard_ends_every_token(owner: Persona) -> None:
    tokens = sign_in(owner)
    authorization = Authorization.objects.get()
    browser = signed_in(owner)
    page = browser.get("/app/connected-apps/")
    assert "letmepost-cli" in page.content.decode()
    assert (
        browser.post(f"/app/connected-apps/{authorization.pk}/revoke").status_code
        == 302
    )
    assert bearer(tokens["access_token"]).get("/v1/accounts").status_code == 401
    refused = refresh(tokens)
    assert refused.status_code == 400


def test_nobody_else_can_revoke_a_grant(owner: Persona, outsider: Persona) -> None:
    sign_in(owner)
    authorization = Authorization.objects.get()
    response = signed_in(outsider).post(
        f"/app/connected-apps/{authorization.pk}/revoke"
    )
    assert response.status_code == 404
    assert Authorization.objects.exists()


def test_a_person_who_leaves_the_workspace_takes_the_token_with_them(
    owner: Persona,
) -> None:
    tokens = sign_in(owner)
    Membership.objects.filter(user=owner.user).delete()
    assert bearer(tokens["access_token"]).get("/v1/accounts").status_code == 401


# --- workspace and profile scoping -----------------------------------------------------------


def test_another_workspaces_objects_are_not_found(
    owner: Persona, outsider: Persona
) -> None:
    theirs = connect_sandbox(outsider, "theirs")
    tokens = sign_in(owner)
    response = bearer(tokens["access_token"]).get(f"/v1/accounts/{theirs.pk}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_profile_grant_confines_the_token(owner: Persona) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    elsewhere = connect_sandbox(owner, "in-default")
    mine = connect_sandbox(owner, "in-brand", profile=brand)
    tokens = sign_in(owner, target=f"p:{brand.pk}")
    client = bearer(tokens["access_token"])
    listed = [a["id"] for a in client.get("/v1/accounts").json()["data"]]
    assert listed == [str(mine.pk)]
    assert client.get(f"/v1/accounts/{mine.pk}").status_code == 200
    assert client.get(f"/v1/accounts/{elsewhere.pk}").status_code == 404


def test_consenting_again_elsewhere_revokes_the_old_tokens(owner: Persona) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    client_id = register().json()["client_id"]
    browser = signed_in(owner)

    def flow(target: str) -> str:
        verifier, challenge = pkce()
        redirect = consent(browser, authorize_params(client_id, challenge), target)
        return exchange(client_id, redirect, verifier).json()["access_token"]

    first = flow(f"w:{owner.workspace.pk}")
    second = flow(f"p:{brand.pk}")
    assert bearer(first).get("/v1/accounts").status_code == 401
    assert bearer(second).get("/v1/accounts").status_code == 200
    assert Authorization.objects.get().profile == brand


# --- the reference CLI's exchange ------------------------------------------------------------


def test_the_exchange_mints_a_live_key_for_the_granted_workspace(
    owner: Persona,
) -> None:
    tokens = sign_in(owner)
    response = bearer(tokens["access_token"]).post("/v1/oauth-exchange")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["key"].startswith("lmp_live_")
    assert body["organizationId"] == str(owner.workspace.pk)
    key = authenticate_api_key(body["key"])
    assert key is not None and key.workspace == owner.workspace
    assert key.name == "letmepost-cli"
    assert not ApiKey.objects.filter(digest__contains=body["key"]).exists()
    assert api_client(body["key"]).get("/v1/accounts").status_code == 200


def test_the_exchange_keeps_the_profile(owner: Persona) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    tokens = sign_in(owner, target=f"p:{brand.pk}")
    body = bearer(tokens["access_token"]).post("/v1/oauth-exchange").json()
    assert authenticate_api_key(body["key"]).profile == brand


def test_the_exchange_refuses_api_keys_and_nobody(owner: Persona) -> None:
    assert owner.client.post("/v1/oauth-exchange").status_code == 401
    assert Client().post("/v1/oauth-exchange").status_code == 401


def test_a_read_token_cannot_buy_a_key(owner: Persona) -> None:
    tokens = sign_in(owner, scope="read")
    response = bearer(tokens["access_token"]).post("/v1/oauth-exchange")
    assert response.status_code == 403
    assert (
        ApiKey.objects.filter(workspace=owner.workspace).count() == 1
    )  # the fixture's


def test_a_member_cannot_buy_a_key(owner: Persona, member: Any) -> None:
    persona = Persona(
        user=member,
        workspace=owner.workspace,
        profile=owner.profile,
        key="",
        client=Client(),
    )
    tokens = sign_in(persona)
    response = bearer(tokens["access_token"]).post("/v1/oauth-exchange")
    assert response.status_code == 403
    assert error_of(response)["rule"] == "membership.role"


def test_maintenance_deletes_clients_nobody_consented_to(owner: Persona) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import Application

    from letmepost.maintenance import run_job

    used = sign_in(owner)["client_id"]
    unused = register().json()["client_id"]
    fresh = register().json()["client_id"]
    Application.objects.filter(client_id__in=[used, unused]).update(
        created=timezone.now() - timedelta(days=2)
    )
    run_job("purge-oauth-grants")
    assert set(Application.objects.values_list("client_id", flat=True)) == {used, fresh}


def test_a_token_bound_to_another_resource_is_refused(owner: Persona) -> None:
    """RFC 8707: a token the client asked for another server's API is not accepted here."""
    client_id = register().json()["client_id"]
    verifier, challenge = pkce()
    params = authorize_params(
        client_id, challenge, resource="https://other.example/api"
    )
    redirect = consent(signed_in(owner), params, f"w:{owner.workspace.pk}")
    tokens = exchange(client_id, redirect, verifier).json()
    assert bearer(tokens["access_token"]).get("/v1/accounts").status_code == 401
    ours = authorize_params(client_id, challenge, resource=f"{settings.PUBLIC_URL}/mcp")
    redirect = consent(signed_in(owner), ours, f"w:{owner.workspace.pk}")
    tokens = exchange(client_id, redirect, verifier).json()
    assert bearer(tokens["access_token"]).get("/v1/accounts").status_code == 200
