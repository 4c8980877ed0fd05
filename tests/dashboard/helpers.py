"""Posts made through the real services, as the API makes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from platforms.models import PlatformAccount
from posts.dispatch import publish_now
from posts.models import PostTarget
from posts.requests import PostRequest, TargetRequest, ThreadItemRequest
from posts.services import Caller, create_post
from tests.conftest import Persona


def session_caller(persona: Persona) -> Caller:
    """The persona signed in to the dashboard: the whole workspace, live mode."""
    return Caller(
        workspace=persona.workspace, scope=None, livemode=True, user=persona.user
    )


def make_post(
    persona: Persona,
    account: PlatformAccount,
    text: str = "hello",
    *,
    outcome: str | None = None,
    scheduled_at: datetime | None = None,
    thread: tuple[str, ...] = (),
    **options: Any,
) -> PostTarget:
    caller = session_caller(persona)
    wanted = PostRequest(
        targets=(TargetRequest(account_id=str(account.pk), options=options or None),),
        text=text,
        thread=tuple(ThreadItemRequest(text=t) for t in thread),
        scheduled_at=scheduled_at,
        publish_now=scheduled_at is None,
    )
    created = create_post(caller=caller, request=wanted, sandbox_outcome=outcome)
    publish_now(created.claims)
    return PostTarget.objects.get(post=created.post)
