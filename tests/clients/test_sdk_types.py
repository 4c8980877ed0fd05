"""The SDKs' hand-written types follow `/v1/openapi.json` field by field (issue #17 point 9).

The operation guards in clients/* catch a missing endpoint; this catches a missing, extra or
wrongly optional field and a drifted enum. The schema is generated in-process, as
`/v1/openapi.json` serves it; the SDK sources are parsed by tests/clients/sdk_types.py. For each
SDK, every component schema is either modelled (mapped to its type below) or listed in its
`*_NOT_MODELLED` with the reason, so a new schema is a decision too.

Fix a failure in the SDK's types.* file (the API is the contract), or, for a deliberate
difference, in the tables here with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from drf_spectacular.settings import spectacular_settings

from tests.clients import sdk_types


@dataclass(frozen=True)
class Model:
    sdk_type: str
    # Compare required-ness too (off where one SDK type serves schemas that differ in it).
    required: bool = True
    # Schema fields this SDK type deliberately leaves out, each with its reason in a comment.
    omitted: frozenset[str] = field(default_factory=frozenset)
    # SDK fields deliberately beyond this schema (a type shared by two schemas).
    extra: frozenset[str] = field(default_factory=frozenset)


# Deprecated fields no SDK models: `secret` is `signingSecret`'s old name (removed in 0.3.0).
DEPRECATED = frozenset({"secret"})
# Fields the schema marks optional only because their model field has a default, which the
# ModelSerializer always sends; the SDKs promise them (letmepost.dev's SDK types do too).
ALWAYS_SENT = {
    "Post": frozenset({"status", "scheduledAt", "publishedAt"}),
    "PostDetail": frozenset({"status", "scheduledAt", "publishedAt"}),
    "PostAttempt": frozenset({"finishedAt"}),
    "Account": frozenset({"displayName"}),
    "WebhookEndpoint": frozenset({"active"}),
    "WebhookEndpointWithSecret": frozenset({"active"}),
    "ApiKey": frozenset({"scopes"}),
    "ApiKeyCreated": frozenset({"scopes"}),
}
# Fields the API sends that its schema does not declare yet; an SDK may model them.
UNDECLARED = {
    # posts/dispatch.py error_snapshot (D12: kept beyond the reference's reduced envelope)
    "TargetError": frozenset({"platform", "platformVersion"}),
    # posts/services.py: preflight violations name their target
    "Violation": frozenset({"accountId", "platform", "targetIndex"}),
}

# Wrappers every SDK models generically (Page<T>, List<T>) and bodies no SDK builds as a type.
WRAPPERS = {
    "AccountList": "List",
    "ApiKeyList": "List",
    "PlatformVersionList": "List",
    "PreflightRuleList": "List",
    "ProfileList": "List",
    "WebhookEndpointList": "List",
    "MediaList": "Page",
    "PostList": "Page",
    "WebhookDeliveryList": "Page",
}
NOT_SDK_SCHEMAS = {
    "ErrorEnvelope": "unwrapped into each SDK's error class",
    "HealthStatus": "operator probe, not an API call",
    "ReadyStatus": "operator probe, not an API call",
    "MediaUploadRequest": "multipart upload: a file argument, not a JSON body",
    "MediaFromUrlRequest": "one `url` argument of media upload-from-URL",
    "SetPinterestDefaultBoardRequest": "one `boardId` argument of setPinterestDefaultBoard",
    "DeletedAccount": "read as the SDK's Deleted (same fields)",
    "MediaDeleted": "read as the SDK's Deleted (same fields)",
    "ConnectCompleteRequest": "provider-specific fields, passed as a map",
    "UpdatePostRequest": "reschedule sends only scheduledAt/publishNow",
    "UpdatePostResponse": "reschedule's answer, read as Post",
}

# Posting queues, modelled by every SDK under the same names (one type for body and answer).
QUEUES = {
    "ProfileQueue": Model("ProfileQueue"),
    "ProfileQueueRequest": Model("ProfileQueue"),
    "QueueSlot": Model("QueueSlot"),
    "QueueSlotRequest": Model("QueueSlot"),
    "QueuedPost": Model("QueuedPost"),
    "QueueEntry": Model("QueueEntry"),
    "QueueListing": Model("QueueListing"),
}

# Types the TypeScript and Go SDKs both model under the same names.
TS_AND_GO = {
    **{schema: Model(sdk) for schema, sdk in WRAPPERS.items()},
    "Violation": Model("Violation"),
    "MediaInputRequest": Model("MediaInput"),
    "FirstCommentRequest": Model("FirstComment"),
    "PostTargetInputRequest": Model("PostTarget"),
    "ThreadItemInputRequest": Model("ThreadItemInput"),
    "ThreadItemProgress": Model("ThreadItemProgress"),
    "ThreadProgress": Model("ThreadProgress"),
    "CreatePostRequest": Model("CreatePostRequest"),
    "TargetError": Model("TargetError"),
    "PostTargetResult": Model("PostTargetResult"),
    "CreatePostResponse": Model("CreatePostResponse"),
    "ValidateTargetResult": Model("ValidateTargetResult"),
    "ValidatePostResponse": Model("ValidatePostResponse"),
    "AccountSummary": Model("AccountSummary"),
    "Post": Model("Post"),
    "PostDetail": Model("PostDetail"),
    "PostAttempt": Model("PostAttempt"),
    "CanceledPost": Model("CanceledPost"),
    "Media": Model("Media"),
    "Account": Model("Account"),
    "ConnectRequest": Model("ConnectRequest"),
    "ConnectResponse": Model("ConnectResponse"),
    "Deleted": Model("Deleted"),
    "PinterestBoard": Model("PinterestBoard"),
    "PinterestBoardList": Model("PinterestBoardList"),
    "CreatePinterestBoardRequest": Model("CreatePinterestBoardRequest"),
    "PinterestBoardCreated": Model("PinterestBoardCreated"),
    "PinterestDefaultBoard": Model("PinterestDefaultBoard"),
    "WebhookEndpointNotice": Model("WebhookEndpointNotice"),
    "WebhookEnvelope": Model("WebhookEvent"),
    "WebhookTestResult": Model("WebhookTestResult"),
    "WebhookAttempt": Model("WebhookAttempt"),
    "WebhookDelivery": Model("WebhookDelivery"),
    "PreflightRule": Model("PreflightRule"),
    "PlatformVersion": Model("PlatformVersion"),
    **QUEUES,
}

TYPESCRIPT = {
    **TS_AND_GO,
    "ErrorBody": Model("ErrorBody"),
    "WebhookEndpoint": Model("WebhookEndpoint"),
    "WebhookEndpointWithSecret": Model("WebhookEndpointWithSecret"),
    "WebhookEndpointCreateRequest": Model("CreateWebhookEndpointRequest"),
    "Profile": Model("Profile"),
    "ProfileCreateRequest": Model("CreateProfileRequest"),
    "ApiKey": Model("ApiKey"),
    "ApiKeyCreateRequest": Model("CreateApiKeyRequest"),
    "ApiKeyCreated": Model("CreatedApiKey"),
    "ApiKeyRevoked": Model("ApiKeyRevoked"),
}
TYPESCRIPT_NOT_MODELLED = {
    **NOT_SDK_SCHEMAS,
    "AccountCandidate": "the location picker's answer: not in this SDK yet",
    "AccountSelection": "the location picker's answer: not in this SDK yet",
    "SelectAccountsRequest": "the location picker's request: not in this SDK yet",
    "AccountInstagram": "inline object type of Account.instagram",
    "AccountPinterest": "inline object type of Account.pinterest",
    "RetryPostRequest": "posts.retry's options argument",
    "ProfileUpdateRequest": "Partial<CreateProfileRequest>",
    "WebhookEndpointUpdateRequest": "Partial<CreateWebhookEndpointRequest>",
    "WebhookTestRequest": "webhooks.test's arguments",
}
TYPESCRIPT_ENUMS = {
    "PlatformEnum": "Platform",
    "PostStatusEnum": "PostStatus",
    "BatchStatusEnum": "BatchStatus",
    "CodeEnum": "ErrorCode",
    "WebhookEventTypeEnum": "WebhookEventType",
}

# Go decodes answers into structs: a field the API may omit is `omitempty`, a required one is not.
GO = {
    **TS_AND_GO,
    # Error also carries the HTTP status and Retry-After (`json:"-"`); it is never encoded.
    "ErrorBody": Model("Error", required=False),
    "RetryPostRequest": Model("RetryPostParams"),
    "AccountPinterest": Model("PinterestAccountInfo"),
    "AccountInstagram": Model("InstagramAccountInfo"),
    # One struct for both answers: SigningSecret is set only by Create and RotateSecret.
    "WebhookEndpoint": Model("WebhookEndpoint", extra=frozenset({"signingSecret"})),
    "WebhookEndpointWithSecret": Model("WebhookEndpoint", required=False),
    # One struct for both bodies; create's required url is checked by the server.
    "WebhookEndpointCreateRequest": Model("WebhookEndpointRequest", required=False),
    "WebhookEndpointUpdateRequest": Model("WebhookEndpointRequest"),
    "WebhookTestRequest": Model("WebhookTestRequest"),
}
GO_NOT_MODELLED = {
    **NOT_SDK_SCHEMAS,
    "AccountCandidate": "the location picker's answer: not in this SDK yet",
    "AccountSelection": "the location picker's answer: not in this SDK yet",
    "SelectAccountsRequest": "the location picker's request: not in this SDK yet",
    **dict.fromkeys(
        (
            "Profile",
            "ProfileCreateRequest",
            "ProfileUpdateRequest",
            "ApiKey",
            "ApiKeyCreateRequest",
            "ApiKeyCreated",
            "ApiKeyRevoked",
        ),
        "workspace administration is not wrapped (routes.go NotCovered)",
    ),
}
GO_ENUMS = {"PlatformEnum": "Platform", "CodeEnum": "Code"}

# Python returns the wire objects as TypedDicts; requests are built from keyword arguments.
PYTHON = {
    "AccountCandidate": Model("AccountCandidate"),
    "AccountSelection": Model("AccountSelection"),
    "Violation": Model("Violation"),
    "TargetError": Model("TargetError"),
    "ThreadItemProgress": Model("ThreadItemProgress"),
    "ThreadProgress": Model("ThreadProgress"),
    "PostTargetResult": Model("TargetResult"),
    "CreatePostResponse": Model("CreatePostResult"),
    "ValidateTargetResult": Model("ValidateTargetResult"),
    "ValidatePostResponse": Model("ValidateResult"),
    "AccountSummary": Model("AccountSummary"),
    "Post": Model("Post"),
    "PostDetail": Model("PostDetail"),
    "PostAttempt": Model("PostAttempt"),
    "PostList": Model("PostPage"),
    "CanceledPost": Model("CanceledPost"),
    "Account": Model("Account"),
    "AccountPinterest": Model("PinterestAccountInfo"),
    "AccountInstagram": Model("InstagramAccountInfo"),
    "ConnectResponse": Model("ConnectResult"),
    "Deleted": Model("Deleted"),
    "Media": Model("Media"),
    "MediaList": Model("MediaPage"),
    "Profile": Model("Profile"),
    "ApiKey": Model("ApiKey"),
    "ApiKeyCreated": Model("ApiKeyCreated"),
    "ApiKeyRevoked": Model("ApiKeyRevoked"),
    "WebhookEndpoint": Model("WebhookEndpoint"),
    "WebhookEndpointWithSecret": Model("WebhookEndpointWithSecret"),
    "WebhookDelivery": Model("WebhookDelivery"),
    "WebhookDeliveryList": Model("WebhookDeliveryPage"),
    "WebhookTestResult": Model("WebhookTestResult"),
    "PinterestBoardList": Model("PinterestBoards"),
    "PreflightRule": Model("PreflightRule"),
    "PlatformVersion": Model("PlatformVersion"),
    **QUEUES,
}
PYTHON_NOT_MODELLED = {
    **NOT_SDK_SCHEMAS,
    "SelectAccountsRequest": "accounts.select_accounts' arguments",
    **dict.fromkeys(
        (
            "ApiKeyCreateRequest",
            "CreatePinterestBoardRequest",
            "ConnectRequest",
            "CreatePostRequest",
            "FirstCommentRequest",
            "MediaInputRequest",
            "PostTargetInputRequest",
            "ThreadItemInputRequest",
            "ProfileCreateRequest",
            "ProfileUpdateRequest",
            "RetryPostRequest",
            "WebhookEndpointCreateRequest",
            "WebhookEndpointUpdateRequest",
            "WebhookTestRequest",
        ),
        "a request body, built from keyword arguments",
    ),
    **dict.fromkeys(
        (
            "AccountList",
            "ApiKeyList",
            "PlatformVersionList",
            "PreflightRuleList",
            "ProfileList",
            "WebhookEndpointList",
        ),
        "a list answer, returned as its `data` list",
    ),
    "ErrorBody": "unwrapped into LetmepostError's attributes",
    "PinterestBoard": "PinterestBoards.data items, left as dicts",
    "PinterestBoardCreated": "returned as a plain dict",
    "PinterestDefaultBoard": "returned as a plain dict",
    "WebhookAttempt": "WebhookDelivery.attempts items, left as dicts",
    "WebhookEndpointNotice": "WebhookEndpoint.notice, left as a dict",
    "WebhookEnvelope": "webhooks.parse returns the envelope as a dict",
}
PYTHON_ENUMS = {"PlatformEnum": "Platform"}

SDKS = {
    "typescript": (
        sdk_types.typescript,
        TYPESCRIPT,
        TYPESCRIPT_NOT_MODELLED,
        TYPESCRIPT_ENUMS,
    ),
    "go": (sdk_types.go, GO, GO_NOT_MODELLED, GO_ENUMS),
    "python": (sdk_types.python, PYTHON, PYTHON_NOT_MODELLED, PYTHON_ENUMS),
}


@cache
def components() -> dict[str, Any]:
    """The component schemas of /v1/openapi.json, generated as the view generates them."""
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    return generator.get_schema(request=None, public=True)["components"]["schemas"]


def object_schemas() -> dict[str, Any]:
    return {n: s for n, s in components().items() if "properties" in s}


def schema_literals(prop: dict[str, Any]) -> frozenset[str] | None:
    """The enum a property (or its list's items) is limited to, following $ref/oneOf."""
    if prop.get("type") == "array" or "array" in prop.get("type", ()):
        prop = prop.get("items", {})
    if ref := prop.get("$ref"):
        prop = components()[ref.rsplit("/", 1)[1]]
    if "enum" in prop:
        return frozenset(v for v in prop["enum"] if v is not None)
    for key in ("oneOf", "anyOf", "allOf"):
        for option in prop.get(key, ()):
            if found := schema_literals(option):
                return found
    return None


def drift(schema_name: str, model: Model, sdk: sdk_types.Sdk) -> list[str]:
    """Every difference between one component schema and the SDK type modelling it."""
    schema = components()[schema_name]
    fields = sdk.types.get(model.sdk_type)
    if fields is None:
        return [f"{model.sdk_type} (for {schema_name}) is not in the SDK"]
    wanted = set(schema["properties"]) - DEPRECATED - model.omitted
    required = set(schema.get("required", ())) | ALWAYS_SENT.get(
        schema_name, frozenset()
    )
    problems = [
        f"{model.sdk_type}.{name}: missing (in {schema_name})"
        for name in sorted(wanted - set(fields))
    ]
    problems += [
        f"{model.sdk_type}.{name}: not in {schema_name}"
        for name in sorted(
            set(fields)
            - wanted
            - model.extra
            - UNDECLARED.get(schema_name, frozenset())
        )
    ]
    for name in sorted(wanted & set(fields)):
        got = fields[name]
        if model.required and got.required != (name in required):
            should = "required" if name in required else "optional"
            problems.append(f"{model.sdk_type}.{name}: should be {should}")
        expected = schema_literals(schema["properties"][name])
        # Compared where both name the values: an SDK may narrow a free string (platform slugs).
        if (
            got.literals is not None
            and expected is not None
            and got.literals != expected
        ):
            problems.append(
                f"{model.sdk_type}.{name}: values {sorted(got.literals)}, "
                f"API has {sorted(expected or ())}"
            )
    return problems


@pytest.mark.parametrize("sdk_name", SDKS)
def test_every_object_schema_is_modelled_or_listed(sdk_name: str) -> None:
    _, models, not_modelled, _ = SDKS[sdk_name]
    assert not set(models) & set(not_modelled), "both modelled and listed as not"
    unknown = sorted(set(object_schemas()) - set(models) - set(not_modelled))
    assert not unknown, f"{sdk_name}: schemas neither modelled nor listed: {unknown}"
    stale = sorted((set(models) | set(not_modelled)) - set(components()))
    assert not stale, f"{sdk_name}: the API no longer has {stale}"


@pytest.mark.parametrize("sdk_name", SDKS)
def test_every_modelled_schema_matches_field_by_field(sdk_name: str) -> None:
    parse, models, _, _ = SDKS[sdk_name]
    sdk = parse()
    problems = [p for name, model in models.items() for p in drift(name, model, sdk)]
    assert not problems, f"{sdk_name} SDK drifted from the API:\n" + "\n".join(problems)


@pytest.mark.parametrize("sdk_name", SDKS)
def test_named_enums_match(sdk_name: str) -> None:
    parse, _, _, enums = SDKS[sdk_name]
    sdk = parse()
    for schema_name, sdk_name_of_enum in enums.items():
        expected = set(components()[schema_name]["enum"]) - {None}
        got = set(sdk.enums.get(sdk_name_of_enum, ()))
        assert got == expected, (
            f"{sdk_name} {sdk_name_of_enum}: extra {sorted(got - expected)}, "
            f"missing {sorted(expected - got)}"
        )
