"""LinkedIn's request shapes, written down from its prose docs (it publishes no OpenAPI).

Sources: Posts API, Images API, Videos API (learn.microsoft.com/linkedin/marketing/
community-management/shares/*, version 202605). `check_call()` checks every request the
adapter sends to the API: the versioning headers and, for writes, the documented body.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft202012Validator

API = "https://api.linkedin.com"
URN = {"type": "string", "pattern": "^urn:li:(person|organization):[A-Za-z0-9_-]+$"}
MEDIA = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "pattern": "^urn:li:(image|video):"},
        "altText": {"type": "string", "maxLength": 4086},
        "title": {"type": "string"},
    },
    "additionalProperties": False,
}
POST = {
    "type": "object",
    "required": [
        "author",
        "commentary",
        "visibility",
        "distribution",
        "lifecycleState",
    ],
    "properties": {
        "author": URN,
        "commentary": {"type": "string"},
        "visibility": {"enum": ["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"]},
        "distribution": {
            "type": "object",
            "required": ["feedDistribution"],
            "properties": {
                "feedDistribution": {"enum": ["MAIN_FEED", "NONE"]},
                "targetEntities": {"type": "array"},
                "thirdPartyDistributionChannels": {"type": "array"},
            },
        },
        "lifecycleState": {"enum": ["PUBLISHED", "DRAFT"]},
        "isReshareDisabledByAuthor": {"type": "boolean"},
        "content": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "properties": {
                "media": MEDIA,
                "multiImage": {
                    "type": "object",
                    "required": ["images"],
                    "properties": {
                        "images": {
                            "type": "array",
                            "minItems": 2,
                            "maxItems": 20,
                            "items": MEDIA,
                        }
                    },
                },
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
IMAGE_INIT = {
    "type": "object",
    "required": ["initializeUploadRequest"],
    "properties": {
        "initializeUploadRequest": {
            "type": "object",
            "required": ["owner"],
            "properties": {"owner": URN},
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}
VIDEO_INIT = {
    "type": "object",
    "required": ["initializeUploadRequest"],
    "properties": {
        "initializeUploadRequest": {
            "type": "object",
            "required": ["owner", "fileSizeBytes"],
            "properties": {
                "owner": URN,
                "fileSizeBytes": {"type": "integer", "minimum": 1},
                "uploadCaptions": {"type": "boolean"},
                "uploadThumbnail": {"type": "boolean"},
            },
            "additionalProperties": False,
        }
    },
}
VIDEO_FINALIZE = {
    "type": "object",
    "required": ["finalizeUploadRequest"],
    "properties": {
        "finalizeUploadRequest": {
            "type": "object",
            "required": ["video", "uploadToken", "uploadedPartIds"],
            "properties": {
                "video": {"type": "string", "pattern": "^urn:li:video:"},
                "uploadToken": {"type": "string"},
                "uploadedPartIds": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1},
                },
            },
            "additionalProperties": False,
        }
    },
}
BODIES = {
    ("/rest/posts", None): POST,
    ("/rest/images", "initializeUpload"): IMAGE_INIT,
    ("/rest/videos", "initializeUpload"): VIDEO_INIT,
    ("/rest/videos", "finalizeUpload"): VIDEO_FINALIZE,
}


def body_errors(schema: dict[str, Any], body: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(body)
    ]


def check_call(call: Any, version: str = "202605") -> list[str]:
    request = call.request
    parts = urlsplit(request.url)
    if not request.url.startswith(API):
        return []  # OAuth endpoints and upload URLs are checked by the tests themselves
    errors = []
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        errors.append("no bearer token")
    if parts.path.startswith("/rest/"):
        if request.headers.get("LinkedIn-Version") != version:
            errors.append(
                f"LinkedIn-Version is {request.headers.get('LinkedIn-Version')!r}"
            )
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            errors.append("X-Restli-Protocol-Version is not 2.0.0")
    if request.method == "POST":
        action = parse_qs(parts.query).get("action", [None])[0]
        schema = BODIES.get((parts.path, action))
        if schema is None:
            errors.append(f"undocumented write {parts.path}?action={action}")
        else:
            errors += body_errors(schema, json.loads(request.body))
    return errors
