"""Slack rules: the channel, message text and Block Kit blocks (chat.postMessage), and files
(the external upload). Options arrive snake_case: `channel`, `blocks`, `unfurl_links`.
`Draft.account_limits["default_channel"]` is the channel picked at install, if any.
"""

from __future__ import annotations

from typing import Any

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import DEEP, SHAPE, UPSTREAM, RuleSpec, checks, raised
from platforms.preflight.text import is_blank

MAX_TEXT_CHARS = 40_000  # Slack truncates longer messages
MAX_BLOCKS = 50
MAX_FILES = 10
MAX_FILE_BYTES = 1_000_000_000  # Slack's per-file cap (1 GB)

POST_DOCS = "https://docs.slack.dev/reference/methods/chat.postMessage"
BLOCKS_DOCS = "https://docs.slack.dev/reference/block-kit/blocks"
UPLOAD_DOCS = "https://docs.slack.dev/messaging/working-with-files#uploading_files"


def _blocks(draft: Draft) -> list[Any]:
    blocks = draft.options.get("blocks")
    return list(blocks) if isinstance(blocks, list) else []


CHANNEL_REQUIRED = RuleSpec(
    "slack.channel.required",
    SHAPE,
    "A message needs a channel: options.channel, or the channel picked when the app was installed.",
    "Pass options.channel (a channel id such as C0123456789, or #name) and invite the app to it.",
    source_url=POST_DOCS,
)


@checks(CHANNEL_REQUIRED)
def channel_required(draft: Draft) -> Violation | None:
    if draft.options.get("channel") or draft.account_limits.get("default_channel"):
        return None
    return CHANNEL_REQUIRED.violation(
        "No channel: options.channel is missing and the account has no default channel.",
        field="options.channel",
    )


CONTENT_REQUIRED = RuleSpec(
    "slack.message.content_required",
    SHAPE,
    "A message needs text, blocks or a file.",
    "Add text, pass options.blocks or attach media.",
    source_url=POST_DOCS,
)


@checks(CONTENT_REQUIRED)
def message_content_required(draft: Draft) -> Violation | None:
    if not is_blank(draft.text) or draft.media or _blocks(draft):
        return None
    return CONTENT_REQUIRED.violation(
        "The message has no text, no blocks and no file; Slack needs one of them.",
        field="text",
    )


text_max_chars = f.text_max_chars(
    "slack.text.max_chars",
    MAX_TEXT_CHARS,
    f"Message text must be at most {MAX_TEXT_CHARS:,} characters (Slack truncates the rest).",
    POST_DOCS,
)
BLOCKS_MAX_ITEMS = RuleSpec(
    "slack.blocks.max_items",
    SHAPE,
    f"options.blocks may hold at most {MAX_BLOCKS} blocks, and blocks go without files.",
    f"Send at most {MAX_BLOCKS} blocks; post files separately.",
    {"max_items": MAX_BLOCKS},
    source_url=BLOCKS_DOCS,
)


@checks(BLOCKS_MAX_ITEMS)
def blocks_max_items(draft: Draft) -> Violation | None:
    blocks = _blocks(draft)
    if len(blocks) > MAX_BLOCKS:
        return BLOCKS_MAX_ITEMS.violation(
            f"options.blocks has {len(blocks)} blocks; Slack allows {MAX_BLOCKS}.",
            field="options.blocks",
        )
    if blocks and draft.media:
        return BLOCKS_MAX_ITEMS.violation(
            "options.blocks cannot go with media: a file is shared with the text as its comment.",
            field="options.blocks",
        )
    return None


media_max_items = f.media_max_items(
    "slack.media.max_items",
    MAX_FILES,
    f"At most {MAX_FILES} files per message.",
    "Split the media over several posts.",
    UPLOAD_DOCS,
)
image_size_max = f.size_max(
    "slack.media.image_size_max", "image", MAX_FILE_BYTES, UPLOAD_DOCS
)
video_size_max = f.size_max(
    "slack.media.video_size_max", "video", MAX_FILE_BYTES, UPLOAD_DOCS
)
media_reachable = c.media_reachable(
    RuleSpec(
        "slack.media.reachable",
        DEEP,
        "A media `url` must answer a GET with 2xx: it is downloaded and uploaded to Slack.",
        "Use a public URL or upload via POST /v1/media.",
        network=True,
        source_url=UPLOAD_DOCS,
    )
)
MEDIA_UPLOAD_FAILED = raised(
    "slack.media.upload_failed",
    UPSTREAM,
    "The POST of the file's bytes to the reserved upload URL must answer 200.",
    "Retry; a fresh upload URL is reserved on every attempt.",
    source_url=UPLOAD_DOCS,
)
document_unsupported = f.documents_unsupported(
    "slack.media.document_unsupported",
    UPLOAD_DOCS,
    notes="Slack takes any file; letmepost uploads images and videos only so far.",
)
