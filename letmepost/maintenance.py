"""Idempotent housekeeping jobs, defined once: Celery beat runs them in production and the embedded
runner runs the same table in-process."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

logger = logging.getLogger("letmepost.maintenance")


@dataclass(frozen=True)
class Job:
    name: str
    func: str  # dotted path, imported lazily so settings can read this table
    every_seconds: int


JOBS: tuple[Job, ...] = (
    Job(
        "purge-idempotency-records",
        "letmepost.api.idempotency.purge_expired_idempotency_records",
        3600,
    ),
    Job("purge-webhook-events", "webhooks.services.purge_old_events", 3600),
    Job(
        "version-deprecation-notices",
        "platforms.versions.record_deprecation_notices",
        3600,
    ),
    Job("purge-platform-rows", "platforms.services.purge_stale_rows", 3600),
    Job("refresh-oauth-tokens", "platforms.tokens.refresh_due_tokens", 300),
    Job("purge-expired-logs", "letmepost.retention.purge_expired_logs", 3600),
    Job("purge-oauth-grants", "accounts.oauth.services.purge_stale", 3600),
)


def run_job(name: str) -> object:
    job = next(j for j in JOBS if j.name == name)
    return import_string(job.func)()


@dataclass
class JobClock:
    """Runs each job when its interval has passed; the first run happens at the first tick."""

    last_run: dict[str, float] = field(default_factory=dict)

    def run_due(self, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        ran = []
        for job in JOBS:
            if now - self.last_run.get(job.name, -float("inf")) >= job.every_seconds:
                self.last_run[job.name] = now
                try:
                    run_job(job.name)
                    ran.append(job.name)
                except Exception:
                    logger.exception("maintenance job %s failed", job.name)
        return ran
