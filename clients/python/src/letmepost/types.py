"""Shapes of the API's JSON answers, as TypedDicts: the SDK returns the wire objects (camelCase).

Members the API may omit are `NotRequired`, as in `/v1/openapi.json`; the server's
tests/clients/test_sdk_types.py fails when a field here drifts from the API's schema.
"""

from __future__ import annotations

import sys
from typing import Any, Literal, TypedDict

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # pragma: no cover - Python 3.10
    from typing_extensions import NotRequired

# Every platform slug the API accepts in a target's `platform` (and reports in every platform
# field). The server's registry contract test keeps this list in step with its platforms.
Platform = Literal[
    "bluesky",
    "devto",
    "discord",
    "facebook",
    "google_business",
    "instagram",
    "lemmy",
    "linkedin",
    "linkedin_page",
    "mastodon",
    "nostr",
    "pinterest",
    "reddit",
    "sandbox",
    "slack",
    "telegram",
    "threads",
    "tiktok",
    "tumblr",
    "twitter",
    "wordpress",
    "youtube",
]


class Violation(TypedDict):
    rule: str
    severity: str
    message: str
    remediation: NotRequired[str]
    field: NotRequired[str]
    accountId: NotRequired[str]
    platform: NotRequired[str]
    targetIndex: NotRequired[int]


class TargetError(TypedDict):
    code: str
    message: str
    rule: NotRequired[str]
    platform: NotRequired[str]
    platformVersion: NotRequired[str]
    platformResponse: NotRequired[Any]
    remediation: NotRequired[str]
    field: NotRequired[str]  # the thread item that failed: "thread[2]", "firstComment"


class ThreadItemProgress(TypedDict):
    position: int
    status: str  # pending | publishing | unknown | published | failed
    uri: NotRequired[str]


class ThreadProgress(TypedDict):
    published: int
    total: int
    items: list[ThreadItemProgress]


class TargetResult(TypedDict):
    accountId: str
    platform: str
    postId: str
    status: str
    uri: NotRequired[str]
    cid: NotRequired[str]
    firstCommentUri: NotRequired[str]
    firstCommentCid: NotRequired[str]
    thread: NotRequired[ThreadProgress]  # only when the post has a thread
    warnings: NotRequired[list[dict[str, Any]]]
    error: NotRequired[TargetError]
    nextAttemptAt: NotRequired[str]
    violations: NotRequired[list[Violation]]  # drafts: shape findings, not refused


class CreatePostResult(TypedDict):
    id: str
    status: str  # queued | published | partial_failed | failed
    livemode: bool
    createdAt: str
    scheduledAt: NotRequired[str]
    results: list[TargetResult]


class ValidateTargetResult(TypedDict):
    accountId: str
    platform: str
    valid: bool
    violations: list[Violation]


class ValidateResult(TypedDict):
    valid: bool
    results: list[ValidateTargetResult]


class AccountSummary(TypedDict):
    id: str
    platform: str
    platformAccountId: str
    displayName: str


class Post(TypedDict):
    id: str
    batchId: str
    profileId: str
    accountId: str
    account: AccountSummary
    platform: str
    status: str
    livemode: NotRequired[bool]
    text: str
    mediaRefs: list[dict[str, Any]]
    firstComment: dict[str, str] | None
    options: NotRequired[dict[str, Any]]
    scheduledAt: str | None
    publishedAt: str | None
    platformUri: str | None
    platformCid: str | None
    thread: ThreadProgress | None
    error: NotRequired[TargetError | None]
    attemptCount: int
    nextAttemptAt: str | None
    createdAt: str
    updatedAt: str


class PostAttempt(TypedDict):
    id: str
    attemptNumber: int
    outcome: NotRequired[str]
    startedAt: str
    finishedAt: str | None
    succeeded: bool
    errorCode: NotRequired[str | None]
    errorMessage: NotRequired[str | None]
    platformResponse: NotRequired[Any]
    requestedRetryAfter: NotRequired[int | None]  # seconds the platform asked to wait
    retryAfter: NotRequired[int | None]  # seconds waited: that ask, capped at one day


class PostDetail(Post):
    attempts: list[PostAttempt]


class PostPage(TypedDict):
    data: list[Post]
    nextCursor: str | None


class CanceledPost(TypedDict):
    id: str
    status: str


class PinterestAccountInfo(TypedDict):
    defaultBoardId: str | None
    defaultBoardName: str | None


class InstagramAccountInfo(TypedDict):
    kind: str | None
    accountType: str | None
    grantedScopes: list[str] | None


class Account(TypedDict):
    id: str
    profileId: str
    platform: str
    platformAccountId: str
    displayName: str
    status: NotRequired[str]
    needsReconnect: bool
    tokenExpiresAt: NotRequired[str | None]
    createdAt: str
    updatedAt: str
    pinterest: NotRequired[PinterestAccountInfo]  # Pinterest accounts only
    instagram: NotRequired[InstagramAccountInfo]  # Instagram accounts only


class ConnectResult(TypedDict):
    platform: str
    state: str
    descriptor: dict[
        str, Any
    ]  # kind "oauth" (authorizationUrl...) or "credentials" (fields)


class AccountCandidate(TypedDict):
    externalId: str
    displayName: str
    metadata: dict[str, Any]


class AccountSelection(TypedDict):
    """Accounts one authorization found (Google Business Profile locations), not yet connected:
    `complete_connect` answers this (HTTP 202) when there is a choice to make."""

    selectionId: str
    platform: str
    expiresAt: str
    candidates: list[AccountCandidate]


class AccountList(TypedDict):
    data: list[Account]


class Deleted(TypedDict):
    id: str
    deleted: bool


class Media(TypedDict):
    id: str
    url: str
    contentType: str
    sizeBytes: int
    sha256: str
    kind: str
    width: NotRequired[int | None]
    height: NotRequired[int | None]
    durationSeconds: NotRequired[float | None]
    profileId: str
    createdAt: str


class MediaPage(TypedDict):
    data: list[Media]
    nextCursor: str | None


class Profile(TypedDict):
    id: str
    name: str
    slug: str
    createdAt: str
    updatedAt: str


Weekday = Literal[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
]


class QueueSlot(TypedDict):
    weekday: Weekday
    time: str  # 24-hour HH:MM on the queue's wall clock


class ProfileQueue(TypedDict):
    timezone: str  # IANA name
    slots: list[QueueSlot]


class QueuedPost(TypedDict):
    id: str
    status: str


class QueueEntry(TypedDict):
    at: str
    weekday: Weekday
    time: str
    posts: list[QueuedPost]  # empty: the slot is free


class QueueListing(TypedDict):
    profileId: str
    timezone: str
    data: list[QueueEntry]


class _ApiKeyFields(TypedDict):
    id: str
    name: str
    prefix: str
    last4: str
    scopes: list[str]
    profileId: str | None
    createdAt: str


class ApiKey(_ApiKeyFields):
    lastUsedAt: NotRequired[str | None]
    revokedAt: NotRequired[str | None]


class ApiKeyCreated(_ApiKeyFields):
    """A new key: its secret `key` once, and none of a used or revoked key's timestamps."""

    key: str


class ApiKeyRevoked(TypedDict):
    id: str
    revokedAt: str


class WebhookEndpoint(TypedDict):
    id: str
    url: str
    events: list[str]
    description: NotRequired[str]
    active: bool
    createdAt: str
    updatedAt: str
    lastDeliveryAt: NotRequired[str | None]
    lastSuccessAt: NotRequired[str | None]
    lastFailureAt: NotRequired[str | None]
    lastFailureReason: str | None
    consecutiveFailures: NotRequired[int]
    disabledAt: NotRequired[str | None]
    disabledReason: str | None
    notice: dict[str, Any] | None


class WebhookEndpointWithSecret(WebhookEndpoint):
    signingSecret: str  # whsec_…: only in the answers to create and rotate_secret


class WebhookDelivery(TypedDict):
    id: str
    eventId: str
    eventType: str
    kind: NotRequired[str]
    status: NotRequired[str]
    attemptCount: NotRequired[int]
    nextAttemptAt: str | None
    lastStatusCode: NotRequired[int | None]
    lastError: str | None
    createdAt: str
    completedAt: NotRequired[str | None]
    attempts: list[dict[str, Any]]


class WebhookDeliveryPage(TypedDict):
    data: list[WebhookDelivery]
    nextCursor: str | None


class WebhookTestResult(TypedDict):
    delivered: bool
    status: int
    durationMs: int
    responseBody: str | None
    deliveryId: str
    nonRetryable: bool
    errorName: str | None
    sentEvent: dict[str, Any]


class PinterestBoards(TypedDict):
    data: list[dict[str, Any]]
    defaultBoardId: str | None


class PreflightRule(TypedDict):
    id: str
    platform: str
    stage: str
    severity: str
    code: str
    http: int
    limits: dict[str, Any]
    checks: str
    remediation: str
    enforced: str
    network: bool
    notes: str
    sourceUrl: str
    ruleUrl: str


class PlatformVersion(TypedDict):
    platform: str
    label: str
    currentPin: str
    nextPin: str | None
    announcedAt: str | None
    sunsetAt: str | None
    noticeUrl: str | None
    migrationStatus: str
    updatedAt: str


class WhoAmI(TypedDict, total=False):
    baseUrl: str
    key: str  # masked: prefix and last 4 only
    livemode: bool
    keyName: str | None
    keyProfileId: str | None
    accounts: int
    profiles: list[Profile]
