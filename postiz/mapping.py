"""Our accounts and targets in Postiz's shapes (spec/postiz-compat.md §5.2, §5.4, §5.11)."""

from __future__ import annotations

import json
from typing import Any

from letmepost.api.fields import format_datetime
from platforms.models import PlatformAccount
from posts.models import PostTarget

# Our platform slug → Postiz provider identifier; the same name unless Postiz spells it otherwise.
IDENTIFIERS = {
    "twitter": "x",
    "linkedin_page": "linkedin-page",
    "google_business": "gmb",
}
PLATFORMS = {v: k for k, v in IDENTIFIERS.items()} | {
    "instagram-standalone": "instagram",
    "tiktok-business": "tiktok",
}

Status = PostTarget.Status
STATES: dict[str, str] = {
    Status.QUEUED: "QUEUE",
    Status.VALIDATED: "QUEUE",
    Status.PUBLISHING: "QUEUE",
    Status.PUBLISHED: "PUBLISHED",
    Status.FAILED: "ERROR",
    Status.REJECTED: "ERROR",
    Status.DRAFT: "DRAFT",
}
HIDDEN = (Status.CANCELED,)  # Postiz deletes what we cancel: its clients never see it

# Postiz provider settings → our target options, per our platform. Unmapped keys are kept on the
# Postiz row (and shown back) but do not steer publishing.
OPTIONS = {
    "pinterest": {"board": "board_id", "title": "title", "link": "destination_url"},
    "tiktok": {"privacy_level": "privacy"},
    # Postiz's DiscordDto and SlackDto carry the channel to post in; Telegram has no settings.
    "discord": {"channel": "channel_id"},
    "slack": {"channel": "channel"},
    # Reddit and Lemmy: the first `subreddit[]` entry, flattened by `_first_entry` below.
    "reddit": {
        "subreddit": "subreddit",
        "title": "title",
        "type": "kind",
        "url": "url",
        "flair_id": "flair_id",
        "flair_text": "flair_text",
    },
    "lemmy": {"subreddit": "community", "title": "title", "url": "url"},
    # Postiz's DevToSettingsDto; its `tags` are {value, label} objects and `main_image` an
    # uploaded media object, neither of which maps to ours (tags are strings, the cover a URL).
    "devto": {"title": "title", "canonical": "canonical_url"},
    # Postiz's WordpressDto: categories and tags are term ids, which ours take as they are;
    # its `main_image` is an uploaded media object and `type` a post type, neither mapped.
    "wordpress": {
        "title": "title",
        "status": "status",
        "categories": "categories",
        "tags": "tags",
    },
    # Postiz's GmbSettingsDto; its separate event dates and "HH:mm" times are joined into our
    # ISO `event_start`/`event_end` by `_event_moments` below.
    "google_business": {
        "topicType": "topic_type",
        "callToActionType": "cta_type",
        "callToActionUrl": "cta_url",
        "eventTitle": "event_title",
        "eventStart": "event_start",
        "eventEnd": "event_end",
        "offerCouponCode": "coupon_code",
        "offerRedeemUrl": "redeem_online_url",
        "offerTerms": "terms_conditions",
    },
}
# Postiz sends these providers' settings as `subreddit: [{value: {...}}, ...]`, one entry per
# subreddit or community; a target posts to one, the first.
NESTED = {"reddit": "subreddit", "lemmy": "subreddit"}
REDDIT_KINDS = {"self": "self", "link": "link", "media": "image"}


def identifier(platform: str) -> str:
    return IDENTIFIERS.get(platform, platform)


def platform_for(identifier_: str) -> str:
    return PLATFORMS.get(identifier_, identifier_)


def picture(account: PlatformAccount) -> str | None:
    """The avatar an adapter kept at connect time (each names it its own way), if any."""
    meta = account.metadata or {}
    return next(
        (meta[k] for k in ("avatarUrl", "picture", "avatar") if meta.get(k)), None
    )


def handle(account: PlatformAccount) -> str:
    """The account's @handle without the @, as Postiz's `profile`."""
    return (account.display_name or account.external_id).lstrip("@")


def options_for(platform: str, settings: dict[str, Any]) -> dict[str, Any]:
    names = OPTIONS.get(platform, {})
    settings = _first_entry(platform, settings)
    if platform == "google_business":
        settings = _event_moments(settings)
    return {
        names[k]: v for k, v in settings.items() if k in names and v not in (None, "")
    }


def _event_moments(settings: dict[str, Any]) -> dict[str, Any]:
    """GMB's `eventStartDate` (a date, or a date-time whose date counts) and `eventStartTime`
    ("HH:mm"), and the same for the end, as one ISO `eventStart`/`eventEnd` each."""
    joined = dict(settings)
    for side in ("Start", "End"):
        day = str(settings.get(f"event{side}Date") or "")[:10]
        time = settings.get(f"event{side}Time")
        if day:
            joined[f"event{side}"] = f"{day}T{time}" if time else day
    return joined


def _first_entry(platform: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Reddit's and Lemmy's nested entry as flat settings (its flair object as two keys)."""
    entries = settings.get(NESTED.get(platform, ""))
    if not isinstance(entries, list):
        return settings
    first = entries[0] if entries and isinstance(entries[0], dict) else {}
    value = first.get("value")
    flat: dict[str, Any] = dict(value) if isinstance(value, dict) else {}
    if isinstance(flair := flat.pop("flair", None), dict):
        flat |= {"flair_id": flair.get("id"), "flair_text": flair.get("name")}
    if platform == "reddit" and "type" in flat:
        flat["type"] = REDDIT_KINDS.get(str(flat["type"]), flat["type"])
    return flat


def integration(account: PlatformAccount) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(account.pk),
        "name": account.display_name or account.external_id,
        "identifier": identifier(account.platform),
        "picture": picture(account),
        "disabled": account.status != PlatformAccount.Status.ACTIVE,
        "profile": handle(account),
    }
    if account.profile_id:
        body["customer"] = {"id": str(account.profile_id), "name": account.profile.name}
    return body


def publish_date(target: PostTarget) -> Any:
    return target.scheduled_at or target.published_at or target.created_at


def post(target: PostTarget) -> dict[str, Any]:
    meta = getattr(target, "postiz", None)
    account = target.account
    settings = {
        "__type": identifier(target.platform),
        **(meta.settings if meta else {}),
    }
    error = None
    if target.error and target.status != Status.PUBLISHED:
        error = target.error.get("message")
    return {
        "id": str(target.pk),
        "content": target.text,
        "publishDate": format_datetime(publish_date(target)),
        "releaseURL": target.platform_uri or None,
        "releaseId": target.platform_cid or target.platform_uri or None,
        "state": STATES.get(target.status, "QUEUE"),
        "intervalInDays": None,
        "group": meta.group if meta else str(target.pk),
        "creationMethod": meta.creation_method if meta else "API",
        "settings": json.dumps(settings),
        "tags": [
            {"tag": {"id": t.get("value"), "name": t.get("label"), "color": None}}
            for t in (meta.tags if meta else [])
        ],
        "error": error,
        "integration": {
            "id": str(account.pk),
            "providerIdentifier": identifier(target.platform),
            "name": account.display_name or account.external_id,
            "picture": picture(account),
        },
    }
