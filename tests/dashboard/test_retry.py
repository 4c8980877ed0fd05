"""Retrying a failed target: a new post with the same content, preflight and all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letmepost.errors import ValidationFailed
from platforms.models import SandboxPost
from platforms.services import disconnect_account
from posts.dispatch import publish_now
from posts.models import PostTarget
from posts.retry import retry_target
from tests.conftest import Persona
from tests.dashboard.helpers import make_post, session_caller


def test_retry_publishes_a_new_target_and_keeps_the_failed_one(
    owner: Persona, sandbox
) -> None:
    failed = make_post(owner, sandbox, "try again", outcome="not_found")
    assert failed.status == PostTarget.Status.FAILED
    created = retry_target(caller=session_caller(owner), target=failed)
    publish_now(created.claims)
    new = PostTarget.objects.get(post=created.post)
    assert new.pk != failed.pk
    assert new.status == PostTarget.Status.PUBLISHED  # the forced outcome is not copied
    assert new.text == "try again" and new.account_id == sandbox.pk
    assert SandboxPost.objects.filter(token=str(new.pk)).exists()
    failed.refresh_from_db()
    assert failed.status == PostTarget.Status.FAILED


def test_only_failed_or_rejected_targets_retry(owner: Persona, sandbox) -> None:
    published = make_post(owner, sandbox, "fine")
    with pytest.raises(ValidationFailed) as exc:
        retry_target(caller=session_caller(owner), target=published)
    assert exc.value.rule == "post.retry.status"
    queued = make_post(
        owner, sandbox, "later", scheduled_at=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(ValidationFailed):
        retry_target(caller=session_caller(owner), target=queued)


def test_an_unknown_outcome_needs_confirmation(owner: Persona, sandbox) -> None:
    target = make_post(owner, sandbox, "maybe", outcome="platform_rejected")
    PostTarget.objects.filter(pk=target.pk).update(
        error={**target.error, "rule": "publish.outcome_unknown"}
    )
    target.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        retry_target(caller=session_caller(owner), target=target)
    assert exc.value.rule == "post.retry.outcome_unknown"
    assert retry_target(
        caller=session_caller(owner), target=target, confirm_unknown=True
    ).claims


def test_retry_runs_preflight_against_the_account_as_it_is_now(
    owner: Persona, sandbox
) -> None:
    target = make_post(owner, sandbox, "orphan", outcome="platform_rejected")
    disconnect_account(account=sandbox)
    with pytest.raises(Exception, match="Platform account not found"):
        retry_target(caller=session_caller(owner), target=target)


def test_retry_button_publishes_and_opens_the_new_post(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "again please", outcome="platform_rejected")
    response = owner_client.post(reverse("posts:retry", args=[target.pk]))
    new = PostTarget.objects.exclude(pk=target.pk).get(workspace=owner.workspace)
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:detail", args=[new.pk])
    assert new.status == PostTarget.Status.PUBLISHED
    assert (
        "Retry: Published to 1 account."
        in owner_client.get(response["Location"]).content.decode()
    )


def test_retry_refusal_is_shown_on_the_post(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "already out")
    response = owner_client.post(reverse("posts:retry", args=[target.pk]), follow=True)
    assert (
        "Not retried: Only failed or rejected posts can be retried"
        in response.content.decode()
    )
