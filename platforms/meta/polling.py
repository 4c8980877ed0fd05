"""Waiting for an Instagram or Threads container to be ready to publish (bounded polls)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from letmepost.errors import PlatformRejected, PlatformUnavailable
from platforms.meta.client import GraphClient

READY = frozenset({"FINISHED", "PUBLISHED"})


@dataclass(frozen=True)
class ContainerStates:
    """How a platform names a container's state: Instagram `status_code`, Threads `status`."""

    state_field: str
    fields: str  # what to ask for when polling
    error_rule: str
    expired_rule: str


def container_state(
    client: GraphClient, container_id: str, states: ContainerStates
) -> tuple[str, dict[str, Any]]:
    body = client.get(container_id, {"fields": states.fields})
    return str(body.get(states.state_field) or "").upper(), body


def wait_ready(
    client: GraphClient,
    container_id: str,
    *,
    states: ContainerStates,
    deadline_seconds: float,
    label: str,
) -> str:
    """Poll until the container is FINISHED (or already PUBLISHED); return that state.

    ERROR and EXPIRED are final refusals; running out of time is not, and nothing was published.
    """
    deadline = time.monotonic() + deadline_seconds
    while True:
        state, body = container_state(client, container_id, states)
        if state in READY:
            return state
        if state in ("ERROR", "EXPIRED"):
            rule = states.error_rule if state == "ERROR" else states.expired_rule
            reason = body.get("error_message") or body.get("status") or state
            raise PlatformRejected(
                f"{client.platform} could not process {label}: {reason}",
                status=400,
                **client.fields(platform_response=body, rule=rule),
                remediation="Check that the media URL serves a supported file, then retry."
                if state == "ERROR"
                else "Retry; a new container is created.",
            )
        if time.monotonic() >= deadline:
            raise PlatformUnavailable(
                f"{client.platform} did not finish processing {label} within "
                f"{deadline_seconds:g} s; nothing was published.",
                status=504,
                **client.fields(platform_response=body),
                remediation="letmepost retries; shorter or smaller videos process faster.",
            )
        time.sleep(settings.PLATFORM_POLL_INTERVAL_SECONDS)
