"""Google Business Profile's descriptions (tests/fixtures/platform-apis/gbp/): the v4 OpenAPI
conversion for local posts, read with its known defects worked around in memory (the fixtures
README lists them: paths keep Discovery's `{+parent}`, so calls are routed here by hand; every
schema is closed, so a field Google does not describe fails), and the v1 Discovery documents for
listing accounts and locations."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.platforms.discovery_doc import DiscoveryDoc
from tests.platforms.openapi_doc import OpenApiDoc, _pointer

LOCAL_POSTS = re.compile(r"^/v4/accounts/[^/]+/locations/[^/]+/localPosts$")
DOC_PATH = "/v4/{+parent}/localPosts"


def _close(doc: dict[str, Any]) -> None:
    for schema in doc["components"]["schemas"].values():
        if schema.get("type") == "object" and "properties" in schema:
            schema["additionalProperties"] = False


class GbpDoc(OpenApiDoc):
    def schema_errors(self, name: str, body: Any) -> list[str]:
        return self._errors(_pointer("components", "schemas", name), body)


DOC = GbpDoc("gbp/openapi.json", patch=_close)
# The v1 listing calls, by host: Google's own Discovery documents.
LISTINGS = {
    "mybusinessaccountmanagement.googleapis.com": (
        DiscoveryDoc("gbp/mybusinessaccountmanagement__v1.json"),
        "accounts.list",
    ),
    "mybusinessbusinessinformation.googleapis.com": (
        DiscoveryDoc("gbp/mybusinessbusinessinformation__v1.json"),
        "accounts.locations.list",
    ),
}


def check_call(call: Any) -> list[str]:
    """Everything wrong with one call we sent to Google Business, and with the fake's answer:
    the v1 listings against their Discovery documents, localPosts against the v4 OpenAPI."""
    request = call.request
    parts = urlsplit(request.url)
    if parts.hostname in LISTINGS:
        doc, method = LISTINGS[parts.hostname]
        return doc.call_errors(method, call)
    if parts.hostname != "mybusiness.googleapis.com":
        return []  # the OAuth token endpoint, a photo host: not Google Business's API
    path = parts.path
    if not LOCAL_POSTS.match(path):
        return [f"undescribed call {request.method} {path}"]
    errors = DOC.query_errors(
        request.method,
        DOC_PATH,
        dict(parse_qsl(parts.query)),
    )
    if request.headers.get("Authorization", "").split(" ")[0] != "Bearer":
        errors.append("no Bearer token")
    if request.method == "POST":
        errors += DOC.request_errors("POST", DOC_PATH, json.loads(request.body))
        if call.response is not None and call.response.status_code == 200:
            errors += DOC.schema_errors("LocalPost", call.response.json())
    elif call.response is not None and call.response.status_code == 200:
        errors += DOC.schema_errors("ListLocalPostsResponse", call.response.json())
    return errors
