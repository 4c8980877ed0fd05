"""Check Mastodon requests and responses against the community OpenAPI description.

`tests/fixtures/platform-apis/mastodon/schema.json` (abraham/mastodon-openapi, Mastodon 4.7). Two
known defects are patched in memory (that folder's README): createStatus's `oneOf` rejects a
body with both `status` and `media_ids`, so it becomes `anyOf`; the `Idempotency-Key` header is
typed `object`, so headers are not checked against the file (tests assert it themselves).
"""

from __future__ import annotations

from typing import Any

from tests.platforms.openapi_doc import OpenApiDoc


def _status_body_any_of(doc: dict[str, Any]) -> None:
    body = doc["paths"]["/api/v1/statuses"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    body["anyOf"] = body.pop("oneOf")


MASTODON = OpenApiDoc("mastodon/schema.json", patch=_status_body_any_of)
request_errors = MASTODON.request_errors
response_errors = MASTODON.response_errors
