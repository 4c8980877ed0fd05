"""Shared fixtures: three personas (owner, member, outsider) and HTTP clients for each credential."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiKey, Membership, Profile, User, Workspace
from accounts.services import create_workspace, get_default_profile, mint_api_key
from posts.models import PostTarget


@dataclass
class Persona:
    user: User
    workspace: Workspace
    profile: Profile
    key: str  # a live, workspace-wide API key secret
    client: Client  # sends that key on every request


def api_client(secret: str, **extra: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)


def make_persona(email: str) -> Persona:
    user = User.objects.create_user(email=email, password="correct-horse-battery")
    workspace = create_workspace(owner=user, name=f"{email}'s workspace")
    profile = get_default_profile(workspace=workspace)
    key = mint_api_key(workspace=workspace, name="fixture", created_by=user).secret
    return Persona(
        user=user, workspace=workspace, profile=profile, key=key, client=api_client(key)
    )


@pytest.fixture
def owner(db: None) -> Persona:
    return make_persona("owner@example.com")


@pytest.fixture
def outsider(db: None) -> Persona:
    """Someone in another workspace: every id of theirs must look like it does not exist."""
    return make_persona("outsider@example.com")


@pytest.fixture
def member(owner: Persona) -> User:
    user = User.objects.create_user(
        email="member@example.com", password="correct-horse-battery"
    )
    Membership.objects.create(
        workspace=owner.workspace, user=user, role=Membership.Role.MEMBER
    )
    return user


@pytest.fixture
def key_factory(owner: Persona) -> Callable[..., str]:
    """Mint another key in the owner's workspace and return its secret."""

    def make(**kwargs: Any) -> str:
        kwargs.setdefault("name", "extra")
        return mint_api_key(workspace=owner.workspace, **kwargs).secret

    return make


def error_of(response: Any) -> dict[str, Any]:
    """The envelope's body, asserting the response is one."""
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


__all__ = ["ApiKey", "Persona", "api_client", "error_of"]


def connect_sandbox(persona: Persona, handle: str, profile: Profile | None = None):
    """A sandbox account in the persona's workspace, connected through the real service."""
    from platforms.services import connect_with_credentials

    account, _ = connect_with_credentials(
        workspace=persona.workspace,
        profile=profile or persona.profile,
        platform="sandbox",
        payload={"handle": handle},
    )
    return account


def queue_sandbox(
    persona: Persona,
    handle: str,
    count: int = 1,
    *,
    at: datetime | None = None,
    **options: Any,
) -> list[PostTarget]:
    """`count` targets of one new post to a sandbox account, queued (an hour ahead, or `at`)
    through the real create service; `options` go on every target, the text is `handle`."""
    from django.utils import timezone

    from posts.requests import PostRequest, TargetRequest
    from posts.services import Caller, create_post

    account = connect_sandbox(persona, handle)
    target = TargetRequest(
        account_id=str(account.pk), options={"platform": "sandbox", **options}
    )
    created = create_post(
        caller=Caller(workspace=persona.workspace, scope=None, livemode=True),
        request=PostRequest(
            targets=(target,) * count,
            text=handle,
            scheduled_at=at or timezone.now() + timedelta(hours=1),
        ),
    )
    return list(created.post.targets.order_by("position"))


def post_json(client: Client, path: str, body: Any, **headers: Any) -> Any:
    return client.post(path, data=body, content_type="application/json", **headers)
