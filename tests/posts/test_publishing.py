"""In-request publishing has one door: `posts.publishing.commit_then_publish`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from platforms.models import SandboxPost
from posts.models import Post, PostTarget
from posts.publishing import commit_then_publish
from posts.requests import PostRequest, TargetRequest
from posts.services import Caller, Created, create_post
from tests.conftest import Persona, connect_sandbox
from tests.test_layers import all_modules


def _caller(persona: Persona) -> Caller:
    return Caller(workspace=persona.workspace, scope=None, livemode=True)


def _now(persona: Persona, text: str) -> Created:
    account = connect_sandbox(persona, "door")
    return create_post(
        caller=_caller(persona),
        request=PostRequest(
            targets=(TargetRequest(account_id=str(account.pk)),), text=text
        ),
    )


def test_the_write_commits_then_its_leased_targets_publish(owner: Persona) -> None:
    created = commit_then_publish(lambda: _now(owner, "through the door"))
    target = PostTarget.objects.get(post=created.post)
    assert target.status == PostTarget.Status.PUBLISHED
    assert SandboxPost.objects.filter(text="through the door").count() == 1


def test_a_failure_in_the_commit_leaves_nothing_and_publishes_nothing(
    owner: Persona,
) -> None:
    def refuse(created: Created) -> None:
        raise RuntimeError("the idempotency record could not be written")

    with pytest.raises(RuntimeError):
        commit_then_publish(lambda: _now(owner, "never out"), in_commit=refuse)
    assert not Post.objects.exists()
    assert not SandboxPost.objects.filter(text="never out").exists()


def _calls_publish_now(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            getattr(node.func, "id", None) == "publish_now"
            or getattr(node.func, "attr", None) == "publish_now"
        )
    ]


def test_nothing_but_the_door_publishes_in_request() -> None:
    # A caller that leased targets and forgot to publish them leaves a "publish now" post
    # waiting out its lease; one function does both steps, and only it calls publish_now.
    callers = {
        f"{module}:{line}"
        for module, path in all_modules().items()
        for line in _calls_publish_now(path)
    }
    assert {c.rsplit(":", 1)[0] for c in callers} == {"posts.publishing"}, callers
