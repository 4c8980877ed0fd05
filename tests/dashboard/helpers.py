"""Posts made through the real services, as the API makes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from platforms.models import PlatformAccount
from posts.dispatch import publish_now
from posts.models import PostTarget
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
    **options: Any,
) -> PostTarget:
    caller = session_caller(persona)
    target: dict[str, Any] = {"account_id": str(account.pk)}
    if options:
        target["options"] = options
    data: dict[str, Any] = {"targets": [target], "text": text}
    if scheduled_at:
        data["scheduled_at"] = scheduled_at
    else:
        data["publish_now"] = True
    created = create_post(caller=caller, data=data, sandbox_outcome=outcome)
    publish_now(created.claims)
    return PostTarget.objects.get(post=created.post)
