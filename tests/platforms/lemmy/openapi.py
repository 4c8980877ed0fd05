"""Check Lemmy requests and answers against the v3 OpenAPI description (Lemmy 0.19.11).

`tests/fixtures/platform-apis/lemmy/specs/v3/0.19.11/openapi.yaml` (shadone/Lemmy-OpenAPI-Spec),
OpenAPI 3.1, so JSON Schema 2020-12 as it is; only the loading differs (YAML), and shared query
parameters (`$ref`) are resolved for the query check. Nothing patched.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import yaml

from tests.fixtures import platform_api
from tests.platforms.openapi_doc import OpenApiDoc


class YamlOpenApiDoc(OpenApiDoc):
    @cached_property
    def document(self) -> dict[str, Any]:
        return yaml.safe_load(platform_api(self.relative_path))

    def operation(self, method: str, path: str) -> dict[str, Any]:
        """The operation with its `$ref` parameters (`#/components/parameters/Sort`) resolved."""
        found = dict(super().operation(method, path))
        parameters = self.document["components"].get("parameters", {})
        found["parameters"] = [
            parameters[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
            for p in found.get("parameters") or []
        ]
        return found


LEMMY = YamlOpenApiDoc("lemmy/specs/v3/0.19.11/openapi.yaml")
request_errors = LEMMY.request_errors
response_errors = LEMMY.response_errors
query_errors = LEMMY.query_errors
