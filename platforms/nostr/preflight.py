"""Nostr rules: a kind:1 note (NIP-10) needs text or media, fits the relays' content limit, and
the account has relays to publish to; plus the ids the adapter raises from the relays' answers.

Media go into the note as URLs, one per line after the text (NIP-92 `imeta` tags describe them),
so a relay's content limit counts them too: the deep stage, which knows every URL, checks the
whole note. `Draft.account_limits`: `relay_count` (the connected relays), `max_content_chars`.
"""

from __future__ import annotations

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    DEEP,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    raised,
)

# nostr-relay's default `max_event_size` (content characters); NIP-11 lets a relay announce its
# own `limitation.max_content_length`, commonly larger, never smaller in practice.
MAX_CONTENT_CHARS = 4096
NIP01 = "https://github.com/nostr-protocol/nips/blob/master/01.md"
NIP10 = "https://github.com/nostr-protocol/nips/blob/master/10.md"
NIP11 = "https://github.com/nostr-protocol/nips/blob/master/11.md"


def note_content(text: str, urls: list[str]) -> str:
    """The note's `content`: the text, then each media URL on its own line."""
    return "\n".join(part for part in (text.strip(), *urls) if part)


text_required = f.text_required(
    "nostr.text.required",
    "A note without media must have non-whitespace text.",
    "Add text, or attach media.",
    NIP10,
)


def _limit(draft: Draft) -> int:
    return int(draft.account_limits.get("max_content_chars") or MAX_CONTENT_CHARS)


TEXT_MAX_CHARS = RuleSpec(
    "nostr.text.max_chars",
    SHAPE,
    f"The note's text must be at most {MAX_CONTENT_CHARS:,} characters (code points).",
    f"Shorten the text to {MAX_CONTENT_CHARS:,} characters.",
    {"max_chars": MAX_CONTENT_CHARS},
    source_url=NIP11,
    notes="The default of the reference relay (nostr-relay `max_event_size`); relays announce "
    "their own in NIP-11 `limitation.max_content_length`.",
)


def _text_max_chars(draft: Draft) -> Violation | None:
    limit = _limit(draft)
    if (size := len(draft.text or "")) <= limit:
        return None
    return TEXT_MAX_CHARS.violation(
        f"The text is {size:,} characters; Nostr relays accept {limit:,}.", field="text"
    )


text_max_chars = CheckedRule(TEXT_MAX_CHARS, _text_max_chars)

CONTENT_MAX_CHARS = RuleSpec(
    "nostr.content.max_chars",
    DEEP,
    f"The note's content (text plus one line per media URL) must be at most "
    f"{MAX_CONTENT_CHARS:,} characters.",
    "Shorten the text or attach fewer media.",
    {"max_chars": MAX_CONTENT_CHARS},
    source_url=NIP11,
    notes="Media URLs are part of the content; uploads count with their public URL's length "
    "when it is known (a URL media item), else are skipped here.",
)


def _content_max_chars(draft: Draft) -> Violation | None:
    urls = [item.url for item in draft.media if item.url]
    size, limit = len(note_content(draft.text or "", urls)), _limit(draft)
    if size <= limit:
        return None
    return CONTENT_MAX_CHARS.violation(
        f"The note with its media URLs is {size:,} characters; Nostr relays accept {limit:,}.",
        field="media",
    )


content_max_chars = CheckedRule(CONTENT_MAX_CHARS, _content_max_chars)

RELAYS_REQUIRED = RuleSpec(
    "nostr.relays.required",
    SHAPE,
    "The account must have at least one relay to publish to.",
    "Reconnect the Nostr account with one or more relay addresses (wss://…).",
    {"min_items": 1},
    source_url=NIP01,
)


def _relays_required(draft: Draft) -> Violation | None:
    count = draft.account_limits.get("relay_count")
    if count is None or count >= 1:  # unknown account: nothing to say
        return None
    return RELAYS_REQUIRED.violation("The Nostr account has no relays.")


relays_required = CheckedRule(RELAYS_REQUIRED, _relays_required)

media_reachable = f.reachable("nostr.media.reachable", NIP01)
alt_text_max = c.alt_text_max(
    RuleSpec(
        "nostr.media.alt_text_max_chars",
        SHAPE,
        f"Each altText (sent in the NIP-92 imeta tag) must be at most {MAX_CONTENT_CHARS:,} "
        "characters.",
        "Shorten the alt text.",
        {"max_chars": MAX_CONTENT_CHARS},
        source_url="https://github.com/nostr-protocol/nips/blob/master/92.md",
    ),
    "max_chars",
    count=len,
    unit="characters",
)

RELAY_REJECTED = raised(
    "nostr.relay.rejected",
    UPSTREAM,
    'Every relay answered ["OK", id, false, "<prefix>: …"] (blocked, invalid, restricted, pow…).',
    "Read platformResponse for each relay's message; use relays that accept your key "
    "(some need registration or payment).",
    source_url=NIP01,
)
RELAY_RATE_LIMITED = raised(
    "nostr.relay.rate_limited",
    UPSTREAM,
    'A relay answered ["OK", id, false, "rate-limited: …"] and none accepted the note.',
    "letmepost retries later; publish less often or add relays.",
    http=429,
    source_url=NIP01,
)
RELAY_UNREACHABLE = raised(
    "nostr.relay.unreachable",
    UPSTREAM,
    "At least one relay must accept a websocket connection.",
    "Check the relay addresses; letmepost retries.",
    code="platform_unavailable",
    http=503,
    source_url=NIP01,
)
RELAY_UNANSWERED = raised(
    "nostr.relay.unanswered",
    UPSTREAM,
    "A relay received the note but sent no OK in time, and none accepted it.",
    "Nothing to do: the note's id is fixed, so letmepost looks it up (REQ) and re-sends the "
    "same event, which relays store once.",
    code="platform_unavailable",
    http=504,
    source_url=NIP01,
)
RELAYS_PRIVATE = raised(
    "nostr.relays.private_address",
    UPSTREAM,
    "Relay addresses must be on the public internet (loopback and private networks only when "
    "the operator allows private URLs).",
    "Use public relays, or set LETMEPOST_ALLOW_PRIVATE_URLS=true on a local install.",
    source_url=NIP01,
)
document_unsupported = f.documents_unsupported(
    "nostr.media.document_unsupported",
    NIP10,
    notes="A note links media by URL; letmepost links images and videos only.",
)
