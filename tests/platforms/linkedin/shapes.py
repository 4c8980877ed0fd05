"""LinkedIn's request shapes, written down from its prose docs (it publishes no OpenAPI).

Sources: Posts API, Images API, Videos API, Documents API, Comments API (learn.microsoft.com/linkedin/marketing/
community-management/shares/*, version 202605). `check_call()` checks every request the
adapter sends to the API: the versioning headers and, for writes, the documented body.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from jsonschema import Draft202012Validator

API = "https://api.linkedin.com"
URN = {"type": "string", "pattern": "^urn:li:(person|organization):[A-Za-z0-9_-]+$"}
MEDIA = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "pattern": "^urn:li:(image|video|document):"},
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
# Comments API, "Create a Comment": the post's URN is the path's and the body's `object`;
# `message` is attributed text (plain `text`, optional `attributes` for mentions).
COMMENT = {
    "type": "object",
    "required": ["actor", "object", "message"],
    "properties": {
        "actor": URN,
        "object": {
            "type": "string",
            "pattern": "^urn:li:(share|ugcPost|activity):[0-9]+$",
        },
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": {"type": "string", "minLength": 1},
                "attributes": {"type": "array"},
            },
            "additionalProperties": False,
        },
        "parentComment": {"type": "string"},
        "content": {"type": "array"},
    },
    "additionalProperties": False,
}
COMMENTS_PATH = re.compile(
    r"^/rest/socialActions/(urn%3Ali%3A[A-Za-z]+%3A[0-9]+)/comments$"
)
# Documents API, "Initialize Upload" (from LinkedIn's docs): the owner alone; the answer's
# `value` is `{uploadUrlExpiresAt, uploadUrl, document}`. A post names the document URN in
# `content.media.id` with a `title` (Posts API, "Document Post").
DOCUMENT_INIT = IMAGE_INIT
DOCUMENT_MEDIA = {
    "type": "object",
    "required": ["id", "title"],
    "properties": {
        "id": {"type": "string", "pattern": "^urn:li:document:"},
        "title": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
BODIES = {
    ("/rest/posts", None): POST,
    ("/rest/images", "initializeUpload"): IMAGE_INIT,
    ("/rest/videos", "initializeUpload"): VIDEO_INIT,
    ("/rest/videos", "finalizeUpload"): VIDEO_FINALIZE,
    ("/rest/documents", "initializeUpload"): DOCUMENT_INIT,
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
        body = json.loads(request.body)
        if comments := COMMENTS_PATH.match(parts.path):
            schema = COMMENT
            if unquote(comments.group(1)) != body.get("object"):
                errors.append("the comment's object is not the post in its path")
        if schema is None:
            errors.append(f"undocumented write {parts.path}?action={action}")
        else:
            errors += body_errors(schema, body)
        media = (body.get("content") or {}).get("media") or {}
        if schema is POST and str(media.get("id", "")).startswith("urn:li:document:"):
            errors += body_errors(DOCUMENT_MEDIA, media)
    return errors


# A comment as the Comments API answers it (Create, Get, and each element of a list).
COMMENT_ANSWER = {
    "type": "object",
    "required": ["actor", "id", "message", "object"],
    "properties": {
        "actor": URN,
        "agent": URN,
        "commentUrn": {"type": "string", "pattern": r"^urn:li:comment:\(urn:li:"},
        "$URN": {"type": "string", "pattern": r"^urn:li:comment:\(urn:li:"},
        "id": {"type": "string", "pattern": "^[0-9]+$"},
        "created": {"type": "object", "required": ["actor", "time"]},
        "lastModified": {"type": "object", "required": ["actor", "time"]},
        "message": COMMENT["properties"]["message"],
        "object": COMMENT["properties"]["object"],
        "parentComment": {"type": "string"},
        "content": {"type": "array"},
    },
    "additionalProperties": False,
}
COMMENTS_ANSWER = {
    "type": "object",
    "required": ["elements", "paging"],
    "properties": {
        "elements": {"type": "array", "items": COMMENT_ANSWER},
        "paging": {
            "type": "object",
            "required": ["count", "start"],
            "properties": {
                "count": {"type": "integer"},
                "start": {"type": "integer"},
                "total": {"type": "integer"},
                "links": {"type": "array"},
            },
        },
    },
}
