"""LinkedIn Pages at the HTTP boundary: connecting the administered organizations, publishing
as one with the personal adapter's pinned version and upload paths, first comments."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from letmepost.errors import PlatformRejected
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, PublishResult, ReplyTo
from platforms.linkedin_page.adapter import LinkedInPageAdapter
from platforms.models import PlatformAccount
from platforms.oauth import TokenSet
from platforms.registry import adapter_class
from tests.conftest import Persona, post_json
from tests.dashboard.conftest import signed_in
from tests.platforms.bluesky.conftest import png
from tests.platforms.linkedin.conftest import ORGANIZATION, api, payload, sent_json

CONNECT = "/v1/accounts/connect/linkedin_page"
CALLBACK = "/v1/accounts/oauth/linkedin_page/callback"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
NEW_URN = "urn:li:share:7151250000000000000"


def draft(text: str = "Hello from the Page", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def test_the_descriptor_asks_for_the_community_management_scopes(
    owner: Persona,
) -> None:
    descriptor = start(owner)
    assert descriptor["scopes"] == [
        "w_organization_social",
        "r_organization_social",
        "rw_organization_admin",
    ]
    query = parse_qs(urlsplit(descriptor["authorizationUrl"]).query)
    assert query["client_id"] == ["li-client-id"]
    assert query["redirect_uri"][0].endswith(
        "/v1/accounts/oauth/linkedin_page/callback"
    )
    assert "code_challenge" not in query


def test_each_administered_organization_becomes_a_page_account(
    owner: Persona, upstream
) -> None:
    descriptor = start(owner)
    upstream.post(TOKEN_URL, json=payload("token_partner"))
    upstream.get(api("/rest/organizationAcls"), json=payload("organization_acls"))
    upstream.get(api("/rest/organizations/2414183"), json=payload("organization"))
    second = {
        **payload("organization"),
        "id": 5515715,
        "localizedName": "Difference Co",
    }
    upstream.get(api("/rest/organizations/5515715"), json=second)
    response = owner.client.get(CALLBACK, {"code": "c", "state": descriptor["state"]})
    assert "connected=linkedin_page" in response["Location"]
    acls = upstream.calls[1].request
    assert acls.headers["LinkedIn-Version"] == "202605"
    assert parse_qs(urlsplit(acls.url).query)["role"] == ["ADMINISTRATOR"]
    rows = {
        a.external_id: (a.platform, a.display_name, a.metadata["authorUrn"])
        for a in PlatformAccount.objects.all()
    }
    assert rows == {
        ORGANIZATION: ("linkedin_page", "Analytical Engines Ltd", ORGANIZATION),
        "urn:li:organization:5515715": (
            "linkedin_page",
            "Difference Co",
            "urn:li:organization:5515715",
        ),
    }


def test_a_member_without_pages_is_refused(owner: Persona, upstream) -> None:
    adapter = adapter_class("linkedin_page")
    assert adapter is LinkedInPageAdapter
    upstream.get(api("/rest/organizationAcls"), json={"elements": [], "paging": {}})
    with pytest.raises(PlatformRejected) as caught:
        LinkedInPageAdapter.connect_with_token(TokenSet(access_token="t"), {})
    assert caught.value.fields["rule"] == "linkedin_page.organizations.none"
    assert caught.value.status == 400


def test_publishes_as_the_organization_with_an_image(page, upstream) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    init = payload("image_init")
    upstream.post(api("/rest/images"), json=init)
    upstream.put(init["value"]["uploadUrl"], status=201)
    upstream.post(
        api("/rest/posts"), status=201, body="", headers={"x-restli-id": NEW_URN}
    )
    result = LinkedInPageAdapter(page).publish(
        draft(
            options={"visibility": "CONNECTIONS"},
            media=(MediaItem(kind="image", url="https://cdn.example.com/a.png"),),
        )
    )
    assert result.cid == NEW_URN
    assert (
        sent_json(upstream.calls[1])["initializeUploadRequest"]["owner"] == ORGANIZATION
    )
    body = sent_json(upstream.calls[3])
    assert body["author"] == ORGANIZATION
    assert body["visibility"] == "PUBLIC"  # CONNECTIONS is a member's audience
    assert body["content"] == {"media": {"id": init["value"]["image"]}}


def test_a_refusal_names_the_page_platform(page, upstream) -> None:
    upstream.post(api("/rest/posts"), status=422, json=payload("error_422_duplicate"))
    with pytest.raises(PlatformRejected) as caught:
        LinkedInPageAdapter(page).publish(draft())
    assert caught.value.fields["platform"] == "linkedin_page"
    assert caught.value.fields["platform_version"] == "linkedin-202605"


def test_a_first_comment_is_a_comment_by_the_organization(page, upstream) -> None:
    upstream.post(
        api(f"/rest/socialActions/{NEW_URN.replace(':', '%3A')}/comments"),
        status=201,
        json=payload("comment_created"),
    )
    root = PublishResult(uri=None, cid=NEW_URN)
    adapter = LinkedInPageAdapter(page)
    assert adapter.thread_style == "comments"
    result = adapter.publish_reply(draft("First!"), ReplyTo(parent=root, root=root))
    assert sent_json(upstream.calls[0])["actor"] == ORGANIZATION
    assert result.cid


def test_page_rules_refuse_a_person_author_and_long_comments(page) -> None:
    adapter = LinkedInPageAdapter(page)
    person = draft(account_limits={"author_urn": "urn:li:person:abc"})
    assert [v.rule for v in adapter.deep_preflight(person)] == [
        "linkedin_page.author.urn_format"
    ]
    assert [v.rule for v in adapter.preflight_reply(draft("x" * 1251))] == [
        "linkedin_page.comment.max_graphemes"
    ]
    assert adapter.deep_preflight(draft()) == []


def test_the_dashboard_tile_sends_the_browser_to_linkedin(owner: Persona) -> None:
    response = signed_in(owner.user).post(
        reverse("platforms:connect", args=["linkedin_page"]),
        {"linkedin_page-profile": str(owner.profile.pk)},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    assert "rw_organization_admin" in parse_qs(urlsplit(location).query)["scope"][0]
