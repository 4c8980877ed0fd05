"""Native drafts: saved with their shape findings, never dispatched, edited, promoted, deleted."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from platforms.models import SandboxPost
from posts.dispatch import claim_due
from posts.models import Post, PostTarget
from posts.requests import PostRequest, TargetRequest
from posts.services import Caller, create_post
from tests.conftest import Persona, connect_sandbox, error_of, post_json


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def later(**delta: int) -> str:
    return iso(datetime.now(UTC) + timedelta(**(delta or {"hours": 1})))


def patch_json(client: Any, path: str, body: Any, **headers: Any) -> Any:
    return client.patch(path, data=body, content_type="application/json", **headers)


def event_types(target_id: str) -> list[str]:
    from webhooks.models import WebhookEvent

    return list(
        WebhookEvent.objects.filter(ordering_key=f"post:{target_id}")
        .order_by("seq")
        .values_list("type", flat=True)
    )


@pytest.fixture
def account(owner: Persona):
    return connect_sandbox(owner, "drafty")


def save_draft(owner: Persona, account: Any, **body: Any) -> Any:
    payload = {"targets": [{"accountId": str(account.pk)}], "draft": True, **body}
    return post_json(owner.client, "/v1/posts", payload)


def test_a_draft_is_stored_with_its_violations_and_announced_nowhere(
    owner: Persona, account: Any
) -> None:
    response = save_draft(owner, account, text="x" * 501)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    (result,) = body["results"]
    assert result["status"] == "draft"
    assert [v["rule"] for v in result["violations"]] == ["sandbox.text.max_graphemes"]
    target = PostTarget.objects.get(pk=result["postId"])
    assert target.status == PostTarget.Status.DRAFT and target.text == "x" * 501
    assert event_types(result["postId"]) == []
    assert claim_due(now=datetime.now(UTC) + timedelta(days=365)) == []
    assert SandboxPost.objects.count() == 0


def test_a_draft_may_have_no_text_yet(owner: Persona, account: Any) -> None:
    result = save_draft(owner, account).json()["results"][0]
    rules = [v["rule"] for v in result["violations"]]
    assert rules[0] == "targets.text.required"
    assert PostTarget.objects.get(pk=result["postId"]).text == ""


@pytest.mark.parametrize(
    "extra", [{"publishNow": True}, {"scheduledAt": "2099-01-01T00:00:00Z"}]
)
def test_draft_excludes_publish_now_and_scheduled_at(
    owner: Persona, account: Any, extra: dict[str, Any]
) -> None:
    response = save_draft(owner, account, text="hi", **extra)
    assert response.status_code == 400
    assert error_of(response)["rule"] == "draft.mode_conflict"
    assert not Post.objects.exists()


def test_request_level_problems_still_refuse_a_draft(owner: Persona) -> None:
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"platform": "sandbox"}], "text": "hi", "draft": True},
    )
    assert error_of(response)["rule"] == "target.account.not_connected"


def test_log_filters_drafts(owner: Persona, account: Any) -> None:
    draft_id = save_draft(owner, account, text="a draft").json()["results"][0]["postId"]
    post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "queued",
            "scheduledAt": later(),
        },
    )
    page = owner.client.get("/v1/posts?status=draft").json()
    assert [p["id"] for p in page["data"]] == [draft_id]
    assert page["data"][0]["status"] == "draft"


def test_edit_a_draft_returns_its_new_violations(owner: Persona, account: Any) -> None:
    target_id = save_draft(owner, account, text="first").json()["results"][0]["postId"]
    other = connect_sandbox(owner, "second")
    response = patch_json(
        owner.client,
        f"/v1/posts/{target_id}",
        {"text": "y" * 600, "accountId": str(other.pk)},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["text"], body["accountId"]) == (
        "draft",
        "y" * 600,
        str(other.pk),
    )
    assert [v["rule"] for v in body["violations"]] == ["sandbox.text.max_graphemes"]
    assert event_types(target_id) == []


def test_promoting_runs_the_full_preflight_and_keeps_the_draft_on_refusal(
    owner: Persona, account: Any
) -> None:
    target_id = save_draft(owner, account, text="z" * 501).json()["results"][0][
        "postId"
    ]
    response = patch_json(
        owner.client, f"/v1/posts/{target_id}", {"scheduledAt": later()}
    )
    assert response.status_code == 400
    assert error_of(response)["rule"] == "sandbox.text.max_graphemes"
    # An edit sent with a refused promotion is undone with it.
    response = patch_json(
        owner.client,
        f"/v1/posts/{target_id}",
        {"text": "q" * 700, "scheduledAt": later()},
    )
    assert response.status_code == 400
    target = PostTarget.objects.get(pk=target_id)
    assert target.status == PostTarget.Status.DRAFT and target.text == "z" * 501
    assert event_types(target_id) == []


def test_promoting_an_empty_draft_requires_text(owner: Persona, account: Any) -> None:
    target_id = save_draft(owner, account).json()["results"][0]["postId"]
    response = patch_json(owner.client, f"/v1/posts/{target_id}", {"publishNow": True})
    assert error_of(response)["rule"] == "targets.text.required"


def test_schedule_a_draft_then_the_engine_takes_it(
    owner: Persona, account: Any
) -> None:
    target_id = save_draft(owner, account, text="soon").json()["results"][0]["postId"]
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    response = patch_json(
        owner.client, f"/v1/posts/{target_id}", {"scheduledAt": iso(when)}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "queued"
    assert response.json()["scheduledAt"] == iso(when).replace("Z", ".000Z")
    assert event_types(target_id) == ["post.validated", "post.queued"]
    assert claim_due(now=when - timedelta(minutes=1)) == []
    (claim,) = claim_due(now=when + timedelta(seconds=1))
    assert str(claim.target_id) == target_id
    # A queued post is no longer a draft: it can be rescheduled, not edited.
    response = patch_json(owner.client, f"/v1/posts/{target_id}", {"text": "edited"})
    assert response.status_code == 409 and error_of(response)["rule"] == "post.status"


def test_publish_a_draft_now(owner: Persona, account: Any) -> None:
    target_id = save_draft(owner, account, text="now").json()["results"][0]["postId"]
    response = patch_json(owner.client, f"/v1/posts/{target_id}", {"publishNow": True})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"
    assert SandboxPost.objects.get().text == "now"
    assert event_types(target_id) == ["post.validated", "post.published"]


def test_promotion_mode_rules(owner: Persona, account: Any) -> None:
    target_id = save_draft(owner, account, text="hi").json()["results"][0]["postId"]
    both = patch_json(
        owner.client,
        f"/v1/posts/{target_id}",
        {"publishNow": True, "scheduledAt": later()},
    )
    assert error_of(both)["rule"] == "mode_conflict"
    empty = patch_json(owner.client, f"/v1/posts/{target_id}", {})
    assert empty.status_code == 400 and error_of(empty)["rule"] == "scheduledAt"
    past = patch_json(
        owner.client,
        f"/v1/posts/{target_id}",
        {"scheduledAt": iso(datetime.now(UTC) - timedelta(minutes=1))},
    )
    assert error_of(past)["rule"] == "scheduledAt.future"
    assert PostTarget.objects.get(pk=target_id).status == PostTarget.Status.DRAFT


def test_delete_removes_a_draft_and_its_empty_batch(
    owner: Persona, account: Any
) -> None:
    body = save_draft(owner, account, text="bye").json()
    target_id = body["results"][0]["postId"]
    response = owner.client.delete(f"/v1/posts/{target_id}")
    assert response.json() == {"id": target_id, "status": "deleted"}
    assert not PostTarget.objects.filter(pk=target_id).exists()
    assert not Post.objects.filter(pk=body["id"]).exists()
    assert owner.client.get(f"/v1/posts/{target_id}").status_code == 404


def test_other_workspaces_cannot_touch_a_draft(
    owner: Persona, outsider: Persona, account: Any
) -> None:
    target_id = save_draft(owner, account, text="mine").json()["results"][0]["postId"]
    assert (
        patch_json(outsider.client, f"/v1/posts/{target_id}", {"text": "x"})
    ).status_code == 404
    assert outsider.client.delete(f"/v1/posts/{target_id}").status_code == 404


def test_service_keyword_for_other_callers_keeps_a_planned_time(
    owner: Persona, account: Any
) -> None:
    """`create_post(draft=True)` (used by the Postiz layer) may carry the draft's planned time."""
    planned = datetime.now(UTC) + timedelta(days=1)
    caller = Caller(workspace=owner.workspace, scope=None, livemode=True)
    created = create_post(
        caller=caller,
        request=PostRequest(
            targets=(TargetRequest(account_id=str(account.pk)),),
            text="t",
            scheduled_at=planned,
        ),
        run_async=True,
        draft=True,
    )
    target = created.post.targets.get()
    assert target.status == PostTarget.Status.DRAFT and target.scheduled_at == planned
    assert created.claims == []
    assert claim_due(now=planned + timedelta(seconds=1)) == []


def test_a_draft_keeps_media_alt_text_through_promotion(
    owner: Persona, account: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 20, 30)).save(buffer, format="PNG")
    upload = owner.client.post(
        "/v1/media", {"file": SimpleUploadedFile("a.png", buffer.getvalue())}
    )
    assert upload.status_code == 201, upload.json()
    media_id = upload.json()["id"]
    media = [{"kind": "image", "mediaId": media_id, "altText": "A tiny square"}]
    target_id = save_draft(owner, account, text="pic", media=media).json()["results"][
        0
    ]["postId"]
    response = patch_json(owner.client, f"/v1/posts/{target_id}", {"publishNow": True})
    assert response.json()["status"] == "published", response.json()
    ref = response.json()["mediaRefs"][0]
    assert (ref["mediaId"], ref["altText"]) == (media_id, "A tiny square")
    sent = SandboxPost.objects.get().media
    assert [m["mediaId"] for m in sent] == [media_id]
