"""Rule ids raised outside platform preflight (validation, state, auth), for their docs pages.

Platform preflight rules live with their adapters; this table names the cross-cutting ones so
every `ruleUrl` we emit resolves to a page served from the same ids the code raises.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleDoc:
    id: str
    code: str
    meaning: str
    remediation: str


RULES: dict[str, RuleDoc] = {
    r.id: r
    for r in (
        RuleDoc(
            "body.json",
            "validation_failed",
            "The body is not valid JSON.",
            "Send a JSON object with Content-Type: application/json.",
        ),
        RuleDoc(
            "body.size_max",
            "validation_failed",
            "The request body is larger than the configured cap (10 MiB by default).",
            "Send a smaller body; upload media with POST /v1/media.",
        ),
        RuleDoc(
            "body.content_type",
            "validation_failed",
            "The body's content type is not accepted here.",
            "Send Content-Type: application/json.",
        ),
        RuleDoc(
            "http.method",
            "validation_failed",
            "The route exists but not with this HTTP method.",
            "Use a method listed in the Allow header.",
        ),
        RuleDoc(
            "http.route",
            "not_found",
            "No API route has this path.",
            "Check the path against the API reference at /docs/api.",
        ),
        RuleDoc(
            "idempotency_key.length",
            "validation_failed",
            "The Idempotency-Key header is longer than 255 characters.",
            "Use a shorter key, such as a UUID.",
        ),
        RuleDoc(
            "idempotency_key.body_mismatch",
            "idempotency_conflict",
            "The Idempotency-Key was already used, within 24 hours, with a different body on this route.",
            "Resend the original body unchanged, or use a new key.",
        ),
        RuleDoc(
            "idempotency_key.in_flight",
            "idempotency_conflict",
            "A request with the same Idempotency-Key is still running.",
            "Wait for it to finish, then retry to receive its stored response.",
        ),
        RuleDoc(
            "api_key.profile_scope",
            "not_found",
            "The key is scoped to a profile that does not own this object.",
            "Use a key of the object's profile, or an unscoped key.",
        ),
        RuleDoc(
            "api_key.scope_forbidden",
            "unauthorized",
            "A profile-scoped key tried something only workspace-wide credentials may do.",
            "Use a key that is not scoped to a profile, or the dashboard.",
        ),
        RuleDoc(
            "api_key.revoked",
            "not_found",
            "The API key does not exist or was already revoked.",
            "List keys with GET /v1/api-keys to find active ones.",
        ),
        RuleDoc(
            "api_key.livemode",
            "unauthorized",
            "A test key tried to create a live key.",
            "Create live keys from the dashboard or with a live key.",
        ),
        RuleDoc(
            "membership.role",
            "unauthorized",
            "Only workspace owners and admins may do this.",
            "Ask an owner to change your role, or use an API key.",
        ),
        RuleDoc(
            "csrf",
            "unauthorized",
            "A signed-in browser request came without a valid CSRF token.",
            "Send the csrftoken cookie's value in the X-CSRFToken header.",
        ),
        RuleDoc(
            "profile.unknown",
            "not_found",
            "The profileId names no profile of this workspace.",
            "List profiles with GET /v1/profiles.",
        ),
        RuleDoc(
            "profile.slug.unique",
            "validation_failed",
            "Another profile of the workspace has this slug.",
            "Choose another slug.",
        ),
        RuleDoc(
            "profile.slug.default",
            "validation_failed",
            "The default profile keeps the slug `default`.",
            "Rename the profile instead.",
        ),
        RuleDoc(
            "profile.delete.default",
            "validation_failed",
            "The default profile cannot be deleted.",
            "Delete other profiles instead.",
        ),
        RuleDoc(
            "profile.delete.not_empty",
            "validation_failed",
            "The profile still owns platform accounts.",
            "Move or disconnect its accounts first.",
        ),
        RuleDoc(
            "health.database",
            "internal_error",
            "The database did not answer the readiness check.",
            "Check DATABASE_URL and that the database server is up.",
        ),
        RuleDoc(
            "health.cache",
            "internal_error",
            "The cache did not answer the readiness check.",
            "Check REDIS_URL and that Redis is up.",
        ),
        RuleDoc(
            "health.broker",
            "internal_error",
            "The task broker did not answer the readiness check.",
            "Check CELERY_BROKER_URL and that the broker is up.",
        ),
        RuleDoc(
            "health.storage",
            "internal_error",
            "Media storage did not answer the readiness check.",
            "Check the media folder's permissions or the S3 settings.",
        ),
    )
}
