"""Connecting WordPress through `/v1/accounts/connect/wordpress/complete`: site, username and an
application password."""

from __future__ import annotations

import base64

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.platforms.wordpress.conftest import (
    APP_PASSWORD,
    SITE,
    USERNAME,
    checked,
    payload,
)

COMPLETE = "/v1/accounts/connect/wordpress/complete"
BASIC = "Basic " + base64.b64encode(f"{USERNAME}:{APP_PASSWORD}".encode()).decode()


def fields(url: str = SITE, password: str = APP_PASSWORD) -> dict[str, str]:
    return {"instanceUrl": url, "username": USERNAME, "appPassword": password}


def advertise(upstream, root: str, site: str = SITE) -> None:
    upstream.head(f"{site}/", headers={"Link": f'<{root}>; rel="https://api.w.org/"'})


def test_the_descriptor_asks_for_site_username_and_application_password(
    owner: Persona,
) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/wordpress", {}).json()
    described = {f["name"]: f for f in body["descriptor"]["fields"]}
    assert list(described) == ["instanceUrl", "username", "appPassword"]
    assert described["appPassword"]["type"] == "password"


def test_connect_finds_the_rest_root_and_keeps_the_password_encrypted(
    owner: Persona, upstream
) -> None:
    advertise(upstream, f"{SITE}/wp-json/")
    upstream.get(f"{SITE}/wp-json/wp/v2/users/me", json=payload("users-me"))
    response = post_json(owner.client, COMPLETE, fields("Blog.Example/"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["platformAccountId"], body["displayName"]) == (
        "1@blog.example",
        "e2e-admin@blog.example",
    )
    assert (
        "Authorization" not in upstream.calls[0].request.headers
    )  # discovery: no password
    me = upstream.calls[1].request
    assert me.headers["Authorization"] == BASIC
    assert checked(upstream.calls[1]) == {"context": "edit"}
    account = PlatformAccount.objects.get(pk=body["id"])
    assert account.credentials == {"username": USERNAME, "appPassword": APP_PASSWORD}
    assert account.metadata["apiRoot"] == f"{SITE}/wp-json/"
    assert account.metadata["userId"] == 1
    assert APP_PASSWORD not in response.content.decode()


def test_a_site_in_a_folder_with_plain_permalinks_uses_rest_route(
    owner: Persona, upstream
) -> None:
    site = f"{SITE}/blog"
    advertise(upstream, f"{site}/?rest_route=/", site)
    upstream.get(f"{site}/", json=payload("users-me"))  # ?rest_route=/wp/v2/users/me
    response = post_json(owner.client, COMPLETE, fields(f"{site}/"))
    assert response.status_code == 201, response.json()
    assert upstream.calls[1].request.url == (
        f"{site}/?rest_route=/wp/v2/users/me&context=edit"
    )
    account = PlatformAccount.objects.get(pk=response.json()["id"])
    assert account.metadata["instanceUrl"] == site
    assert account.external_id == "1@blog.example/blog"


def test_a_rest_root_on_another_host_is_ignored(owner: Persona, upstream) -> None:
    """The password travels to the REST root: a site may not point it elsewhere."""
    advertise(upstream, "https://collector.example/wp-json/")
    upstream.get(f"{SITE}/wp-json/wp/v2/users/me", json=payload("users-me"))
    response = post_json(owner.client, COMPLETE, fields())
    assert response.status_code == 201, response.json()
    assert all("collector" not in c.request.url for c in upstream.calls)


def test_a_wrong_application_password_is_an_auth_failure(
    owner: Persona, upstream
) -> None:
    upstream.head(f"{SITE}/")
    upstream.get(
        f"{SITE}/wp-json/wp/v2/users/me",
        status=401,
        json=payload("incorrect-password"),
    )
    error = error_of(post_json(owner.client, COMPLETE, fields(password="nope")))
    assert error["code"] == "platform_auth_failed"
    assert error["platformResponse"]["code"] == "rest_not_logged_in"


def test_a_user_who_may_not_write_posts_is_refused(owner: Persona, upstream) -> None:
    subscriber = payload("users-me")
    subscriber["capabilities"] = {"read": True, "level_0": True, "subscriber": True}
    upstream.head(f"{SITE}/")
    upstream.get(f"{SITE}/wp-json/wp/v2/users/me", json=subscriber)
    error = error_of(post_json(owner.client, COMPLETE, fields()))
    assert (
        error["code"] == "platform_auth_failed" and "may not write" in error["message"]
    )


def test_the_site_must_be_https_and_public(owner: Persona) -> None:
    plain = post_json(owner.client, COMPLETE, fields("http://blog.example"))
    assert error_of(plain)["rule"] == "instanceUrl"
    private = post_json(owner.client, COMPLETE, fields("https://127.0.0.1"))
    assert error_of(private)["rule"] == "url.private_address"
    missing = post_json(owner.client, COMPLETE, fields(password=" "))
    assert error_of(missing)["rule"] == "appPassword"


def test_the_dashboard_tile_and_form_connect_wordpress(
    owner: Persona, upstream
) -> None:
    from django.urls import reverse

    from tests.dashboard.conftest import signed_in

    client = signed_in(owner.user)
    page = client.get(reverse("platforms:accounts")).content.decode()
    assert 'id="connect-wordpress"' in page and 'name="wordpress-appPassword"' in page
    upstream.head(f"{SITE}/")
    upstream.get(f"{SITE}/wp-json/wp/v2/users/me", json=payload("users-me"))
    response = client.post(
        reverse("platforms:connect", args=["wordpress"]),
        {
            "wordpress-profile": str(owner.profile.pk),
            "wordpress-instanceUrl": SITE,
            "wordpress-username": USERNAME,
            "wordpress-appPassword": APP_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert PlatformAccount.objects.filter(platform="wordpress").count() == 1
