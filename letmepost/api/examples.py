"""Request examples of the API reference (/docs/api) for the main writes.

Swagger UI pre-fills "Try it out" with the first example of an operation; without one it makes
a body up from the schema (a `url` matching the pattern, not a URL anyone would send). Every
example here is checked against its request schema by tests/letmepost/test_openapi.py.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

ACCOUNT_ID = "0197a2c1-88bb-7cc2-8dd3-2e3f4a5b6c7d"
PROFILE_ID = "0197a2c0-0000-7000-8000-00000000d3f1"

CREATE_POST = [
    OpenApiExample(
        "Publish now",
        summary="Publish now to two accounts",
        description="A target names its account, or only its platform when the profile has "
        "one account of it.",
        value={
            "text": "Dark mode is here: switch it on in Settings → Appearance.",
            "targets": [{"accountId": ACCOUNT_ID}, {"platform": "mastodon"}],
        },
        request_only=True,
    ),
    OpenApiExample(
        "Schedule with an image",
        summary="Schedule a post with an image",
        value={
            "text": "Our spring release notes are live.",
            "media": [
                {
                    "kind": "image",
                    "url": "https://cdn.example.com/releases/spring.png",
                    "altText": "The release notes page in dark mode",
                }
            ],
            "targets": [
                {"platform": "bluesky"},
                {
                    "platform": "linkedin",
                    "text": "Our spring release notes are live, with every change "
                    "our customers asked for.",
                },
            ],
            "scheduledAt": "2026-06-12T16:00:00Z",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Save a draft",
        summary="Save a draft",
        value={
            "text": "Draft: webinar announcement",
            "targets": [{"accountId": ACCOUNT_ID}],
            "draft": True,
        },
        request_only=True,
    ),
]

CONNECT = [
    OpenApiExample(
        "OAuth platform",
        summary="An OAuth platform, back to your app afterwards",
        value={
            "profileId": PROFILE_ID,
            "returnTo": "https://app.example.com/settings/accounts",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Mastodon",
        summary="Mastodon: name the server",
        value={"instanceUrl": "https://mastodon.social"},
        request_only=True,
    ),
]

WEBHOOK_ENDPOINT_CREATE = [
    OpenApiExample(
        "Publish outcomes",
        summary="Only publish outcomes",
        value={
            "url": "https://example.com/hooks/letmepost",
            "events": ["post.published", "post.failed", "post.rejected"],
            "description": "Notify the support channel",
        },
        request_only=True,
    ),
]

MEDIA_FROM_URL = [
    OpenApiExample(
        "Fetch by URL",
        summary="Have letmepost fetch the file",
        value={"url": "https://cdn.example.com/releases/spring.png"},
        request_only=True,
    ),
]
