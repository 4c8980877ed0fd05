"""Give the envelopes our shared layers answer on Postiz paths (rate limit, idempotency, unknown
route, crash) the body a Postiz client parses, keeping the envelope's members (D20)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from postiz.errors import merge_envelope, postiz_part

PREFIXES = ("/public/v1/", "/api/public/v1/")


class PostizErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(PREFIXES)
            or response.status_code < 400
            or getattr(response, "postiz_shaped", False)
            or not response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        try:
            members = json.loads(response.content)["error"]
            part = postiz_part(
                members["code"], members["message"], response.status_code
            )
        except (ValueError, KeyError, TypeError):
            return response  # not an envelope: leave it alone
        reshaped = JsonResponse(
            merge_envelope(part, members), status=response.status_code
        )
        for header, value in response.items():
            if header.lower() not in ("content-type", "content-length"):
                reshaped[header] = value
        return reshaped
