"""Shapes of the API's JSON answers, as TypedDicts: the SDK returns the wire objects (camelCase).

They are `total=False` because the API omits absent optional members rather than sending null.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

# Every platform slug the API accepts in a target's `platform` (and reports in every platform
# field). The server's registry contract test keeps this list in step with its platforms.
Platform = Literal[
    "bluesky",
    "facebook",
    "instagram",
    "linkedin",
    "mastodon",
    "pinterest",
    "sandbox",
    "threads",
    "tiktok",
    "twitter",
    "youtube",
]


class Violation(TypedDict, total=False):
    rule: str
    severity: str
    message: str
    remediation: str
    field: str
    accountId: str
    platform: str
    targetIndex: int


class TargetError(TypedDict, total=False):
    code: str
    message: str
    rule: str
    platform: str
    platformVersion: str
    platformResponse: Any
    remediation: str


class TargetResult(TypedDict, total=False):
    accountId: str
    platform: str
    postId: str
    status: str
    uri: str
    cid: str
    firstCommentUri: str
    firstCommentCid: str
    warnings: list[dict[str, Any]]
    error: TargetError
    nextAttemptAt: str


class CreatePostResult(TypedDict, total=False):
    id: str
    status: str  # queued | published | partial_failed | failed
    livemode: bool
    createdAt: str
    scheduledAt: str
    results: list[TargetResult]


class ValidateTargetResult(TypedDict, total=False):
    accountId: str
    platform: str
    valid: bool
    violations: list[Violation]


class ValidateResult(TypedDict, total=False):
    valid: bool
    results: list[ValidateTargetResult]


class AccountSummary(TypedDict, total=False):
    id: str
    platform: str
    platformAccountId: str
    displayName: str


class Post(TypedDict, total=False):
    id: str
    batchId: str
    profileId: str
    accountId: str
    account: AccountSummary
    platform: str
    status: str
    livemode: bool
    text: str
    mediaRefs: list[dict[str, Any]]
    firstComment: dict[str, str] | None
    options: dict[str, Any]
    scheduledAt: str | None
    publishedAt: str | None
    platformUri: str | None
    platformCid: str | None
    error: TargetError | None
    attemptCount: int
    nextAttemptAt: str | None
    createdAt: str
    updatedAt: str


class PostAttempt(TypedDict, total=False):
    id: str
    attemptNumber: int
    outcome: str
    startedAt: str
    finishedAt: str | None
    succeeded: bool
    errorCode: str | None
    errorMessage: str | None
    platformResponse: Any


class PostDetail(Post, total=False):
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


class Account(TypedDict, total=False):
    id: str
    profileId: str
    platform: str
    platformAccountId: str
    displayName: str
    status: str
    needsReconnect: bool
    tokenExpiresAt: str | None
    createdAt: str
    updatedAt: str
    pinterest: PinterestAccountInfo  # Pinterest accounts only
    instagram: InstagramAccountInfo  # Instagram accounts only


class ConnectResult(TypedDict, total=False):
    platform: str
    state: str
    descriptor: dict[
        str, Any
    ]  # kind "oauth" (authorizationUrl...) or "credentials" (fields)


class Deleted(TypedDict):
    id: str
    deleted: bool


class Media(TypedDict, total=False):
    id: str
    url: str
    contentType: str
    sizeBytes: int
    sha256: str
    kind: str
    width: int | None
    height: int | None
    durationSeconds: float | None
    profileId: str
    createdAt: str


class MediaPage(TypedDict):
    data: list[Media]
    nextCursor: str | None


class Profile(TypedDict, total=False):
    id: str
    name: str
    slug: str
    createdAt: str
    updatedAt: str


class ApiKey(TypedDict, total=False):
    id: str
    name: str
    prefix: str
    last4: str
    scopes: list[str]
    profileId: str | None
    createdAt: str
    lastUsedAt: str | None
    revokedAt: str | None


class ApiKeyCreated(ApiKey, total=False):
    key: str


class ApiKeyRevoked(TypedDict):
    id: str
    revokedAt: str


class WebhookEndpoint(TypedDict, total=False):
    id: str
    url: str
    events: list[str]
    description: str
    active: bool
    createdAt: str
    updatedAt: str
    lastDeliveryAt: str | None
    lastSuccessAt: str | None
    lastFailureAt: str | None
    lastFailureReason: str | None
    consecutiveFailures: int
    disabledAt: str | None
    disabledReason: str | None
    notice: dict[str, Any] | None


class WebhookEndpointWithSecret(WebhookEndpoint, total=False):
    signingSecret: str  # whsec_…: only in the answers to create and rotate_secret


class WebhookDelivery(TypedDict, total=False):
    id: str
    eventId: str
    eventType: str
    kind: str
    status: str
    attemptCount: int
    nextAttemptAt: str | None
    lastStatusCode: int | None
    lastError: str | None
    createdAt: str
    completedAt: str | None
    attempts: list[dict[str, Any]]


class WebhookDeliveryPage(TypedDict):
    data: list[WebhookDelivery]
    nextCursor: str | None


class WebhookTestResult(TypedDict, total=False):
    delivered: bool
    status: int
    durationMs: int
    responseBody: str | None
    deliveryId: str
    nonRetryable: bool
    errorName: str | None
    sentEvent: dict[str, Any]


class PinterestBoards(TypedDict, total=False):
    data: list[dict[str, Any]]
    defaultBoardId: str | None


class PreflightRule(TypedDict, total=False):
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


class PlatformVersion(TypedDict, total=False):
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
