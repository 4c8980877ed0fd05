"""Discord rules: message content, attachments and embeds (API v10, Create Message and
Execute Webhook). Options arrive snake_case: `channel_id`, `username`, `embeds`.
"""

from __future__ import annotations

from typing import Any

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import DEEP, SHAPE, CheckedRule, RuleSpec, checks
from platforms.preflight.text import is_blank

MAX_CONTENT_CHARS = 2000
MAX_ATTACHMENTS = 10
# Without a server boost, a bot or webhook upload is capped at 10 MiB per file.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_EMBEDS = 10
MAX_EMBED_CHARS = (
    6000  # title, description, field names and values, footer, author summed
)
MAX_USERNAME_CHARS = 80

MESSAGE_DOCS = "https://discord.com/developers/docs/resources/message#create-message"
WEBHOOK_DOCS = "https://discord.com/developers/docs/resources/webhook#execute-webhook"
EMBED_DOCS = (
    "https://discord.com/developers/docs/resources/message#embed-object-embed-limits"
)
UPLOAD_DOCS = "https://discord.com/developers/docs/reference#uploading-files"


def _embeds(draft: Draft) -> list[Any]:
    embeds = draft.options.get("embeds")
    return list(embeds) if isinstance(embeds, list) else []


def _chars(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _member(embed: dict[str, Any], key: str) -> dict[str, Any]:
    value = embed.get(key)
    return value if isinstance(value, dict) else {}


def embed_chars(embed: Any) -> int:
    """The characters Discord counts toward the embeds' 6,000."""
    if not isinstance(embed, dict):
        return 0
    fields = embed.get("fields")
    in_fields = 0
    for item in fields if isinstance(fields, list) else []:
        if isinstance(item, dict):
            in_fields += _chars(item.get("name")) + _chars(item.get("value"))
    return (
        _chars(embed.get("title"))
        + _chars(embed.get("description"))
        + in_fields
        + _chars(_member(embed, "footer").get("text"))
        + _chars(_member(embed, "author").get("name"))
    )


CONTENT_REQUIRED = RuleSpec(
    "discord.message.content_required",
    SHAPE,
    "A message needs text, an attachment or an embed.",
    "Add text, attach media or pass options.embeds.",
    source_url=MESSAGE_DOCS,
)


@checks(CONTENT_REQUIRED)
def message_content_required(draft: Draft) -> Violation | None:
    if not is_blank(draft.text) or draft.media or _embeds(draft):
        return None
    return CONTENT_REQUIRED.violation(
        "The message has no text, no media and no embed; Discord needs one of them.",
        field="text",
    )


text_max_chars = f.text_max_chars(
    "discord.text.max_chars",
    MAX_CONTENT_CHARS,
    f"Message content must be at most {MAX_CONTENT_CHARS:,} characters.",
    MESSAGE_DOCS,
    notes="The OpenAPI file says 4000 for bots (Nitro-length); the docs and webhooks say 2000.",
)
media_max_items = f.media_max_items(
    "discord.media.max_items",
    MAX_ATTACHMENTS,
    f"At most {MAX_ATTACHMENTS} attachments per message.",
    "Split the media over several posts.",
    UPLOAD_DOCS,
)
EMBEDS_MAX_ITEMS = RuleSpec(
    "discord.embeds.max_items",
    SHAPE,
    f"options.embeds may hold at most {MAX_EMBEDS} embeds.",
    f"Send at most {MAX_EMBEDS} embeds.",
    {"max_items": MAX_EMBEDS},
    source_url=EMBED_DOCS,
)


@checks(EMBEDS_MAX_ITEMS)
def embeds_max_items(draft: Draft) -> Violation | None:
    if (n := len(_embeds(draft))) <= MAX_EMBEDS:
        return None
    return EMBEDS_MAX_ITEMS.violation(
        f"options.embeds has {n} embeds; Discord allows {MAX_EMBEDS}.",
        field="options.embeds",
    )


EMBEDS_MAX_CHARS = RuleSpec(
    "discord.embeds.max_chars",
    SHAPE,
    f"The embeds' titles, descriptions, fields, footers and author names together must be at "
    f"most {MAX_EMBED_CHARS:,} characters.",
    "Shorten the embeds.",
    {"max_chars": MAX_EMBED_CHARS},
    source_url=EMBED_DOCS,
)


@checks(EMBEDS_MAX_CHARS)
def embeds_max_chars(draft: Draft) -> Violation | None:
    if (n := sum(embed_chars(e) for e in _embeds(draft))) <= MAX_EMBED_CHARS:
        return None
    return EMBEDS_MAX_CHARS.violation(
        f"The embeds hold {n:,} characters; Discord allows {MAX_EMBED_CHARS:,}.",
        field="options.embeds",
    )


username_max_chars = c.text_max(
    RuleSpec(
        "discord.username.max_chars",
        SHAPE,
        f"options.username (a webhook's display name override) must be at most "
        f"{MAX_USERNAME_CHARS} characters.",
        f"Shorten the username to {MAX_USERNAME_CHARS} characters.",
        {"max_chars": MAX_USERNAME_CHARS},
        source_url=WEBHOOK_DOCS,
    ),
    "max_chars",
    count=len,
    unit="characters",
    what="options.username",
    field="options.username",
    get=lambda draft: (
        u if isinstance(u := draft.options.get("username"), str) else None
    ),
)
# open_attachment() names these ids too when a downloaded file turns out bigger.
image_size_max = f.size_max(
    "discord.media.image_size_max",
    "image",
    MAX_FILE_BYTES,
    UPLOAD_DOCS,
    checks=f"An image must be at most {MAX_FILE_BYTES:,} bytes (without a server boost).",
)
video_size_max = f.size_max(
    "discord.media.video_size_max",
    "video",
    MAX_FILE_BYTES,
    UPLOAD_DOCS,
    checks=f"A video must be at most {MAX_FILE_BYTES:,} bytes (without a server boost).",
)
media_reachable: CheckedRule = c.media_reachable(
    RuleSpec(
        "discord.media.reachable",
        DEEP,
        "A media `url` must answer a GET with 2xx: it is downloaded and attached.",
        "Use a public URL or upload via POST /v1/media.",
        network=True,
        source_url=UPLOAD_DOCS,
    )
)
document_unsupported = f.documents_unsupported(
    "discord.media.document_unsupported",
    UPLOAD_DOCS,
    notes="Discord takes any file; letmepost attaches images and videos only so far.",
)
