"""Finding our post on X after an attempt whose outcome is unknown.

X has no idempotency key, so the only way to know whether a lost `POST /2/tweets` landed is to
read the account's own timeline from just before the first attempt (for a reply: since the post
it answers) and look for a post with our text and media count. X rewrites text on the way in (NFC, HTML entities escaped, every link
replaced by a t.co link, a media link appended), so both sides are compared without their links.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from platforms.base import Draft, ReconcileUnsupported
from platforms.preflight.x_text import find_links
from platforms.twitter.client import PLATFORM, XClient

# Look a little further back than the first attempt: clocks differ.
CLOCK_SKEW = timedelta(minutes=2)
# 5 pages of 100: more posts than that since the attempt and we cannot be sure.
MAX_PAGES = 5
_SPACE = re.compile(r"\s+")


def comparable(text: str) -> str:
    """`text` as X would store it, minus links and whitespace differences."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    for link in reversed(find_links(text)):
        text = text[: link.start] + " " + text[link.end :]
    return _SPACE.sub(" ", text).strip()


def media_count(post: dict[str, Any]) -> int:
    return len((post.get("attachments") or {}).get("media_keys") or [])


def x_time(moment: datetime) -> str:
    """RFC 3339 in UTC with whole seconds, the form X's `start_time` takes."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def find_post(
    client: XClient,
    user_id: str,
    draft: Draft,
    *,
    since: datetime | None = None,
    since_id: str | None = None,
) -> dict[str, Any] | None:
    """Our post if it is on the account's timeline since `since` or after the post `since_id`,
    None if it certainly is not."""
    wanted = comparable(draft.text)
    token: str | None = None
    start_time = x_time(since - CLOCK_SKEW) if since else None
    for _ in range(MAX_PAGES):
        page = client.user_posts(
            user_id, start_time=start_time, since_id=since_id, pagination_token=token
        )
        posts: list[dict[str, Any]] = page.get("data") or []
        for post in posts:
            if comparable(str(post.get("text") or "")) == wanted and media_count(
                post
            ) == len(draft.media):
                return post
        token = (page.get("meta") or {}).get("next_token")
        if not token:
            return None
    raise ReconcileUnsupported(PLATFORM)
