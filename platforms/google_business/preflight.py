"""Google Business Profile rules: the local post's summary, topic, call to action, event and
offer, its one photo; plus the ids the connect flow raises.

Options arrive snake_case: `topic_type` (STANDARD, EVENT, OFFER), `cta_type`, `cta_url`,
`event_title`, `event_start`, `event_end` (ISO 8601 date or local date-time: Google's
TimeInterval carries no zone, the location's own applies), `coupon_code`, `redeem_online_url`,
`terms_conditions`, `language_code`. Numbers and enums are the v4 `LocalPost` schema's
(tests/fixtures/platform-apis/gbp/openapi.json.gz) and the local-posts guide.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from platforms.base import Draft, Violation
from platforms.preflight import families as f
from platforms.preflight.spec import (
    CONNECT,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    raised,
)

MAX_SUMMARY_CHARS = 1500
MAX_MEDIA = 1
TOPIC_TYPES = ("STANDARD", "EVENT", "OFFER")
DEFAULT_TOPIC = "STANDARD"
# LocalPost's CallToAction.actionType without UNSPECIFIED and GET_OFFER (deprecated: an offer
# is topicType OFFER).
CTA_TYPES = ("BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL")
# LocalPost.event: "Required for topic types EVENT and OFFER".
SCHEDULED_TOPICS = ("EVENT", "OFFER")
OFFER_OPTIONS = ("coupon_code", "redeem_online_url", "terms_conditions")
EVENT_OPTIONS = ("event_title", "event_start", "event_end")

POSTS_DOCS = "https://developers.google.com/my-business/content/posts-data"
REFERENCE = "https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts"
LOCATIONS_DOCS = "https://developers.google.com/my-business/reference/businessinformation/rest/v1/accounts.locations/list"


def _topic(draft: Draft) -> str:
    return str(draft.options.get("topic_type") or DEFAULT_TOPIC)


def _wire(key: str) -> str:
    """`event_start` → `options.eventStart`, as the API spells it."""
    head, *rest = key.split("_")
    return "options." + head + "".join(p.title() for p in rest)


def _given(draft: Draft, key: str) -> bool:
    value = draft.options.get(key)
    return value is not None and str(value).strip() != ""


def parse_moment(value: Any) -> datetime | None:
    """An option's ISO 8601 date (`2026-12-20`, midnight) or date-time, else None; naive,
    because Google's TimeInterval is in the location's own time zone."""
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        return None


summary_required = f.text_required(
    "google_business.summary.required",
    f.TEXT_REQUIRED_CHECKS,
    "Write the post's summary, or attach a photo.",
    POSTS_DOCS,
)
summary_max_chars = f.text_max_chars(
    "google_business.summary.max_chars",
    MAX_SUMMARY_CHARS,
    f"The summary (the post's text) must be at most {MAX_SUMMARY_CHARS:,} characters.",
    POSTS_DOCS,
    what="The summary",
)
topic_type_enum = f.option_enum(
    "google_business.topic_type.enum",
    SHAPE,
    "topic_type",
    TOPIC_TYPES,
    REFERENCE,
    default=DEFAULT_TOPIC,
    notes="ALERT (COVID-19 posts) is not offered.",
)
cta_type_enum = f.option_enum(
    "google_business.cta.type_enum",
    SHAPE,
    "cta_type",
    CTA_TYPES,
    REFERENCE,
    notes="GET_OFFER is deprecated by Google: send topicType OFFER instead.",
)

CTA_URL = RuleSpec(
    "google_business.cta.url_required",
    SHAPE,
    "A call to action needs options.ctaUrl, except CALL (which calls the location's phone "
    "and takes no URL); a ctaUrl needs a ctaType.",
    "Send ctaType with ctaUrl (an http(s) URL), or ctaType CALL alone.",
    source_url=REFERENCE,
)


def _cta_url(draft: Draft) -> Violation | None:
    kind, has_url = draft.options.get("cta_type"), _given(draft, "cta_url")
    if kind is None and not has_url:
        return None
    if kind is None:
        return CTA_URL.violation(
            "options.ctaUrl is set without options.ctaType.", field="options.ctaType"
        )
    if kind == "CALL" and has_url:
        return CTA_URL.violation(
            "A CALL button takes no URL: Google calls the location's phone number.",
            field="options.ctaUrl",
        )
    url = str(draft.options.get("cta_url") or "")
    if kind != "CALL" and not url.startswith(("https://", "http://")):
        return CTA_URL.violation(
            f"A {kind} button needs options.ctaUrl, an http(s) URL.",
            field="options.ctaUrl",
        )
    return None


cta_url_required = CheckedRule(CTA_URL, _cta_url)

EVENT_REQUIRED = RuleSpec(
    "google_business.event.required",
    SHAPE,
    "EVENT and OFFER posts need options.eventTitle, options.eventStart and options.eventEnd.",
    "Name the event (or offer) and give its start and end.",
    source_url=REFERENCE,
)


def _event_required(draft: Draft) -> Violation | None:
    if _topic(draft) not in SCHEDULED_TOPICS:
        return None
    missing = [k for k in EVENT_OPTIONS if not _given(draft, k)]
    if not missing:
        return None
    wire = _wire(missing[0])
    return EVENT_REQUIRED.violation(f"A {_topic(draft)} post needs {wire}.", field=wire)


event_required = CheckedRule(EVENT_REQUIRED, _event_required)

EVENT_DATES = RuleSpec(
    "google_business.event.dates_order",
    SHAPE,
    "options.eventStart and options.eventEnd must be ISO 8601 dates or date-times, the end "
    "after the start.",
    "Send e.g. eventStart 2026-12-20T18:00 and eventEnd 2026-12-20T22:00 (the location's time).",
    source_url=REFERENCE,
)


def _event_dates(draft: Draft) -> Violation | None:
    if not (_given(draft, "event_start") and _given(draft, "event_end")):
        return None
    start = parse_moment(draft.options["event_start"])
    end = parse_moment(draft.options["event_end"])
    if start is None or end is None:
        wire = "options.eventStart" if start is None else "options.eventEnd"
        return EVENT_DATES.violation(
            f"{wire} is not an ISO 8601 date or date-time.", field=wire
        )
    if end <= start:
        return EVENT_DATES.violation(
            f"The event ends ({end.isoformat()}) before it starts ({start.isoformat()}).",
            field="options.eventEnd",
        )
    return None


event_dates_order = CheckedRule(EVENT_DATES, _event_dates)

OFFER_ONLY = RuleSpec(
    "google_business.offer.offer_only",
    SHAPE,
    "options.couponCode, options.redeemOnlineUrl and options.termsConditions apply to OFFER "
    "posts only.",
    "Send topicType OFFER, or leave the offer fields out.",
    source_url=REFERENCE,
)


def _offer_only(draft: Draft) -> Violation | None:
    given = [k for k in OFFER_OPTIONS if _given(draft, k)]
    if not given or _topic(draft) == "OFFER":
        return None
    return OFFER_ONLY.violation(
        f"{_wire(given[0])} is set on a {_topic(draft)} post; offer fields need topicType OFFER.",
        field="options.topicType",
    )


offer_only = CheckedRule(OFFER_ONLY, _offer_only)

media_max_items = f.media_max_items(
    "google_business.media.max_items",
    MAX_MEDIA,
    f"A local post carries at most {MAX_MEDIA} photo.",
    "Keep one photo; add the others to the location's photos instead.",
    POSTS_DOCS,
)
media_photo_only = f.images_only(
    "google_business.media.photo_only",
    "A local post's media is a photo.",
    "Attach an image; upload videos to the location's media instead.",
    POSTS_DOCS,
    why="Google Business Profile posts carry a photo.",
    notes="LocalPost.media allows VIDEO in the schema; letmepost sends one photo by sourceUrl.",
)
PHOTO_ONLY = media_photo_only.spec  # the adapter raises this id from Google's answer

thread_unsupported = f.thread_unsupported(
    "google_business.thread.unsupported",
    REFERENCE,
    notes="Local posts have no comments or replies an owner can write.",
)

LOCATIONS_NONE = raised(
    "google_business.locations.none",
    CONNECT,
    "After OAuth, accounts.list and accounts.locations.list must name at least one location.",
    "Connect a Google account that owns or manages a verified Business Profile, and grant "
    "business.manage.",
    http=400,
    source_url=LOCATIONS_DOCS,
)
POST_REJECTED = raised(
    "google_business.post.rejected",
    UPSTREAM,
    "localPosts.create must answer a post whose state is not REJECTED (Google's content "
    "policies, checked when the post is created).",
    "Read platformResponse; change the text, link or photo Google objected to, then post again.",
    source_url="https://support.google.com/business/answer/7213077",
)
