"""Documents (PDF) on LinkedIn, personal and Pages: the media store takes them, the Documents API
upload and the post's `content.media` follow LinkedIn's docs (shapes.py checks every call), the
rules refuse what LinkedIn would, and the other platforms refuse a document before sending."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from letmepost.errors import ValidationFailed
from media import services
from media.models import Media
from platforms.base import MediaItem
from platforms.linkedin.adapter import LinkedInAdapter
from platforms.linkedin.preflight import MAX_DOCUMENT_BYTES
from platforms.linkedin_page.adapter import LinkedInPageAdapter
from platforms.models import PlatformAccount
from platforms.preflight.catalog import deep_preflight, shape_preflight
from posts.models import PostTarget
from tests.conftest import Persona, error_of, post_json
from tests.media.conftest import upload
from tests.platforms.bluesky.conftest import connect_bluesky
from tests.platforms.linkedin.conftest import ORGANIZATION, PERSON, api, payload
from tests.platforms.linkedin.conftest import sent_json as sent
from tests.platforms.linkedin.test_publish import (
    created,
    draft,
    expected_post,
    publish_now,
)
from tests.platforms.linkedin_page.conftest import page, page_app

__all__ = ["page", "page_app"]

DOCUMENTS = api("/rest/documents")
INIT = payload("document_init")["value"]
DOCUMENT_URN = INIT["document"]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PDF_URL = "https://cdn.example.com/files/Q3%20report.pdf"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_pdf(persona: Persona, name: str = "deck.pdf") -> Media:
    return services.ingest_upload(
        persona.workspace,
        persona.profile,
        SimpleUploadedFile(name, PDF),
        livemode=True,
    )


def document_upload(upstream) -> None:
    upstream.post(DOCUMENTS, json=payload("document_init"))
    upstream.put(INIT["uploadUrl"], status=201)


def document(**fields) -> MediaItem:
    fields.setdefault("url", PDF_URL)
    return MediaItem(kind="document", **fields)


# --- the media store -------------------------------------------------------------------------


def test_a_pdf_upload_is_stored_as_a_document(owner: Persona) -> None:
    response = upload(
        owner.client, PDF, name="deck.pdf", content_type="application/octet-stream"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["contentType"]) == ("document", "application/pdf")
    assert body["url"].endswith(".pdf")


def test_documents_have_their_own_cap(owner: Persona, settings) -> None:
    settings.MEDIA_MAX_DOCUMENT_BYTES = len(PDF) - 1
    response = upload(owner.client, PDF, name="deck.pdf")
    assert response.status_code == 413
    assert error_of(response)["rule"] == "media.size_max"


# --- publishing ------------------------------------------------------------------------------


def test_a_stored_pdf_is_uploaded_and_posted_with_its_file_name(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    media = stored_pdf(owner)
    document_upload(upstream)
    created(upstream)
    target = publish_now(
        owner,
        account,
        text="Hello LinkedIn",
        media=[{"kind": "document", "mediaId": media.pk}],
    )
    assert target.status == PostTarget.Status.PUBLISHED, target.error
    init, put, post = upstream.calls
    assert init.request.url == f"{DOCUMENTS}?action=initializeUpload"
    assert sent(init) == {"initializeUploadRequest": {"owner": PERSON}}
    assert (put.request.method, put.request.body) == ("PUT", PDF)
    assert sent(post) == expected_post(
        content={"media": {"id": DOCUMENT_URN, "title": "deck.pdf"}}
    )


def test_document_title_option_names_a_url_document(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(PDF_URL, body=PDF, content_type="application/pdf")
    document_upload(upstream)
    created(upstream)
    LinkedInAdapter(account).publish(
        draft(media=(document(),), options={"documentTitle": "Q3 results"})
    )
    assert sent(upstream.calls[-1])["content"] == {
        "media": {"id": DOCUMENT_URN, "title": "Q3 results"}
    }


def test_a_url_document_is_titled_by_its_file_name(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(PDF_URL, body=PDF, content_type="application/pdf")
    document_upload(upstream)
    created(upstream)
    LinkedInAdapter(account).publish(draft(media=(document(),)))
    assert sent(upstream.calls[-1])["content"]["media"]["title"] == "Q3%20report.pdf"


def test_a_page_posts_a_document_owned_by_its_organization(
    page: PlatformAccount, upstream
) -> None:
    upstream.get(PDF_URL, body=PDF, content_type="application/pdf")
    document_upload(upstream)
    created(upstream)
    LinkedInPageAdapter(page).publish(draft(media=(document(),)))
    assert sent(upstream.calls[1]) == {
        "initializeUploadRequest": {"owner": ORGANIZATION}
    }
    body = sent(upstream.calls[-1])
    assert body["author"] == ORGANIZATION
    assert body["content"]["media"]["id"] == DOCUMENT_URN


def test_a_file_that_is_not_a_document_type_is_refused_before_the_upload(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(PDF_URL, body=b"<html></html>", content_type="text/html")
    with pytest.raises(ValidationFailed) as caught:
        LinkedInAdapter(account).publish(draft(media=(document(),)))
    assert caught.value.rule == "media.0"


@pytest.mark.parametrize(
    "media",
    [
        (document(), document(url="https://cdn.example.com/b.pdf")),
        (document(), MediaItem(kind="image", url="https://cdn.example.com/a.png")),
    ],
)
def test_a_document_goes_alone_or_the_adapter_sends_nothing(
    account: PlatformAccount, upstream, media
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        LinkedInAdapter(account).publish(draft(media=media))
    assert caught.value.rule == "linkedin.media.document_alone"
    assert len(upstream.calls) == 0


def test_a_page_names_its_own_rule_when_a_document_is_not_alone(
    page: PlatformAccount, upstream
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        LinkedInPageAdapter(page).publish(draft(media=(document(), document())))
    assert caught.value.rule == "linkedin_page.media.document_alone"


# --- rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["linkedin", "linkedin_page"])
def test_linkedin_rules_take_one_document_of_at_most_100_mb(slug: str) -> None:
    video = MediaItem(kind="video", url="https://cdn.example.com/v.mp4")
    assert shape_preflight(slug, draft(media=(document(),))) == []
    (mixed,) = shape_preflight(slug, draft(media=(document(), video)))
    assert (mixed.rule, mixed.field) == (f"{slug}.media.document_alone", "media")
    big = document(media_id="med_x", url=None, size_bytes=MAX_DOCUMENT_BYTES + 1)
    ok = document(media_id="med_x", url=None, size_bytes=MAX_DOCUMENT_BYTES)
    assert [v.rule for v in deep_preflight(slug, draft(media=(big,)))] == [
        f"{slug}.media.document_size_max"
    ]
    assert deep_preflight(slug, draft(media=(ok,))) == []


@pytest.mark.parametrize(
    ("slug", "rule"),
    [
        ("twitter", "twitter.media.mime_allowed"),  # an allow-list rule, deep stage
        ("bluesky", "bluesky.media.mime_allowed"),
        (
            "discord",
            "discord.media.document_unsupported",
        ),  # no allow-list: its own rule
        ("telegram", "telegram.media.document_unsupported"),
        ("tumblr", "tumblr.media.images_only"),
    ],
)
def test_other_platforms_refuse_a_document(slug: str, rule: str) -> None:
    item = document(media_id="med_x", url=None, content_type="application/pdf")
    d = draft(media=(item,))
    rules = [v.rule for v in (*shape_preflight(slug, d), *deep_preflight(slug, d))]
    assert rule in rules


def test_a_document_sent_to_bluesky_is_refused_by_its_allow_list(
    owner: Persona,
) -> None:
    account = connect_bluesky(owner)
    media = stored_pdf(owner)
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "publishNow": True,
            "text": "Hello",
            "media": [{"kind": "document", "mediaId": media.pk}],
        },
    )
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    assert result["status"] == "rejected"
    assert (result["error"]["code"], result["error"]["rule"]) == (
        "preflight_failed",
        "bluesky.media.mime_allowed",
    )
    assert "is a document" in result["error"]["message"]
