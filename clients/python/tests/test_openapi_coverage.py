"""The SDK covers every `/v1` operation the server publishes in `/v1/openapi.json`.

When the API gains an operation, this fails until it is mapped to an SDK method here (or
listed in NOT_COVERED with the reason).
"""

from __future__ import annotations

import json
import urllib.request

from letmepost import Letmepost

# operationId -> SDK method, as an attribute path on a Letmepost instance
OPERATIONS = {
    "listAccounts": "accounts.list",
    "getAccount": "accounts.get",
    "disconnectAccount": "accounts.disconnect",
    "connectAccount": "accounts.connect",
    "completeConnect": "accounts.complete_connect",
    "getAccountSelection": "accounts.get_selection",
    "selectAccounts": "accounts.select_accounts",
    "listPinterestBoards": "accounts.list_pinterest_boards",
    "createPinterestBoard": "accounts.create_pinterest_board",
    "setPinterestDefaultBoard": "accounts.set_pinterest_default_board",
    "listApiKeys": "api_keys.list",
    "createApiKey": "api_keys.create",
    "revokeApiKey": "api_keys.revoke",
    "listMedia": "media.list",
    "createMedia": "media.upload",
    "getMedia": "media.get",
    "deleteMedia": "media.delete",
    "listPlatformVersions": "platform_versions.list",
    "listPosts": "posts.list",
    "createPost": "posts.create",
    "getPost": "posts.get",
    "reschedulePost": "posts.reschedule",
    "cancelPost": "posts.cancel",
    "retryPost": "posts.retry",
    "validatePost": "posts.validate",
    "listPreflightRules": "preflight_rules.list",
    "listProfiles": "profiles.list",
    "createProfile": "profiles.create",
    "getProfile": "profiles.get",
    "updateProfile": "profiles.update",
    "deleteProfile": "profiles.delete",
    "getProfileQueue": "queues.get",
    "setProfileQueue": "queues.set",
    "listQueue": "queues.list",
    "listWebhookEndpoints": "webhooks.list",
    "createWebhookEndpoint": "webhooks.create",
    "getWebhookEndpoint": "webhooks.get",
    "updateWebhookEndpoint": "webhooks.update",
    "deleteWebhookEndpoint": "webhooks.delete",
    "listWebhookDeliveries": "webhooks.deliveries",
    "replayWebhookEvent": "webhooks.replay",
    "rotateWebhookEndpointSecret": "webhooks.rotate_secret",
    "testWebhookEndpoint": "webhooks.test",
}

# operationId -> why the SDK has no method for it
NOT_COVERED = {
    "oauthCallback": "the platform's browser redirect target, not called by API clients",
}


def v1_operations(base_url: str) -> dict[str, str]:
    with urllib.request.urlopen(base_url + "/v1/openapi.json", timeout=30) as answer:  # noqa: S310 - loopback
        spec = json.load(answer)
    found: dict[str, str] = {}
    for path, item in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                found[operation["operationId"]] = f"{method.upper()} {path}"
    return found


def test_every_v1_operation_has_an_sdk_method(server) -> None:
    served = v1_operations(server.base_url)

    missing = sorted(set(served) - set(OPERATIONS) - set(NOT_COVERED))
    assert not missing, "operations without an SDK method: " + ", ".join(
        f"{op} ({served[op]})" for op in missing
    )
    stale = sorted((set(OPERATIONS) | set(NOT_COVERED)) - set(served))
    assert not stale, f"mapped operations the server no longer serves: {stale}"


def test_mapped_methods_exist(server) -> None:
    with Letmepost(api_key="lmp_test_x", base_url=server.base_url) as lmp:
        for operation, dotted in OPERATIONS.items():
            target: object = lmp
            for part in dotted.split("."):
                target = getattr(target, part, None)
                assert target is not None, f"{operation}: no {dotted}"
            assert callable(target), f"{operation}: {dotted} is not callable"
