"""Optional error reporting to Sentry (or a Sentry-compatible server such as GlitchTip).

Initialised from settings only when SENTRY_DSN is set. No personal data is sent: no cookies,
headers, bodies or user identities, and request URLs lose their query strings.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from letmepost.logging import redact


def _scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.get("request") or {}
    for key in ("cookies", "data", "headers", "query_string", "env"):
        request.pop(key, None)
    for entry in (event.get("logentry"), event.get("message")):
        if isinstance(entry, dict) and isinstance(entry.get("message"), str):
            entry["message"] = redact(entry["message"])
            entry.pop("params", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = redact(exception["value"])
    return event


def init_sentry(*, dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,  # frame locals could hold tokens
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=_scrub,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
    )
