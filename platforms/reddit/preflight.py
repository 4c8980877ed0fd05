"""Reddit rules: a submission needs a subreddit and a title (at most 300 characters), is a
self, link or image post, and carries one image at most; plus the ids the adapter raises from
Reddit's `api_type=json` error codes.

Options arrive snake_case: `subreddit` (`python`, `r/python`), `title`, `kind` (`self`, `link`,
`image`; by default `image` with media, `link` with `url`, else `self`), `url`, `flair_id`,
`flair_text`, `nsfw`, `spoiler`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from platforms import comments
from platforms.base import Draft, Violation
from platforms.preflight import families as f
from platforms.preflight.spec import SHAPE, UPSTREAM, CheckedRule, RuleSpec, raised

KINDS = ("self", "link", "image")
MAX_TITLE_CHARS = 300
MAX_TEXT_CHARS = 40_000
MAX_FLAIR_TEXT_CHARS = 64
SUBMIT = "https://www.reddit.com/dev/api/#POST_api_submit"
RULES = "https://support.reddithelp.com/hc/en-us/articles/360043508252"


def kind_of(draft: Draft) -> str:
    """The submission kind: the option, else what the draft carries."""
    if kind := draft.options.get("kind"):
        return str(kind)
    if draft.media:
        return "image"
    return "link" if draft.options.get("url") else "self"


subreddit_required = f.option_required(
    "reddit.subreddit.required",
    "subreddit",
    SUBMIT,
    remediation='Name the subreddit: options.subreddit, e.g. "test" or "r/test".',
)
title_required, title_max_chars = f.title(
    "reddit",
    MAX_TITLE_CHARS,
    SUBMIT,
    remediation="Give the submission a title: options.title.",
)
kind_allowed = f.option_enum(
    "reddit.kind.allowed",
    SHAPE,
    "kind",
    KINDS,
    SUBMIT,
    notes="Default: image with media, link with options.url, else self. Video and gallery "
    "posts are not supported.",
)
text_max_chars = f.text_max_chars(
    "reddit.text.max_chars",
    MAX_TEXT_CHARS,
    f"A self post's text must be at most {MAX_TEXT_CHARS:,} characters.",
    SUBMIT,
)
flair_text_max_chars = f.option_max_chars(
    "reddit.flair_text.max_chars", "flair_text", MAX_FLAIR_TEXT_CHARS, SUBMIT
)

KIND_MATCHES = RuleSpec(
    "reddit.kind.shape",
    SHAPE,
    "A link post needs options.url and no media; an image post needs exactly one image; a self "
    "post has no media and no url.",
    "Send kind link with options.url, kind image with one image, or kind self with text.",
    {"image_items": 1},
    source_url=SUBMIT,
)


def _kind_matches(draft: Draft) -> Violation | None:
    kind, url = kind_of(draft), draft.options.get("url")
    if kind == "link":
        parts = urlsplit(str(url or ""))
        if parts.scheme not in ("http", "https") or not parts.netloc or draft.media:
            return KIND_MATCHES.violation(
                "A link post needs an absolute http(s) options.url and no media.",
                field="options.url",
            )
    elif kind == "image":
        if len(draft.media) != 1 or draft.media[0].kind != "image":
            return KIND_MATCHES.violation(
                f"An image post takes exactly one image; this one has {len(draft.media)} "
                "media items.",
                field="media",
            )
    elif kind == "self" and (draft.media or url):
        return KIND_MATCHES.violation(
            "A self post carries text only: drop the media and options.url, or use kind "
            "image or link.",
            field="media" if draft.media else "options.url",
        )
    return None


kind_matches = CheckedRule(KIND_MATCHES, _kind_matches)
# --- comments: thread items and first comments (platforms.comments) ---------------------------

COMMENT = "https://www.reddit.com/dev/api/#POST_api_comment"
MAX_COMMENT_CHARS = 10_000

comment_non_empty = comments.text_non_empty("reddit.comment.non_empty", COMMENT)
comment_max_graphemes = comments.text_max(
    "reddit.comment.max_graphemes",
    MAX_COMMENT_CHARS,
    COMMENT,
    notes="Reddit counts 10,000 characters; graphemes are never more than characters, so a "
    "comment over the limit in characters but not in graphemes is refused by Reddit itself.",
)
comment_media_unsupported = comments.no_media(
    "reddit.comment.media_unsupported",
    COMMENT,
    notes="Comments made through the API are Markdown text.",
)

SUBREDDIT_NOT_FOUND = raised(
    "reddit.subreddit.not_found",
    UPSTREAM,
    "The subreddit must exist (`SUBREDDIT_NOEXIST`).",
    "Check options.subreddit (without the r/ it works too).",
    source_url=SUBMIT,
)
SUBREDDIT_NOT_ALLOWED = raised(
    "reddit.subreddit.not_allowed",
    UPSTREAM,
    "The account must be allowed to post there (`SUBREDDIT_NOTALLOWED`: private, restricted "
    "or banned).",
    "Post to another subreddit, or ask its moderators for access.",
    source_url=RULES,
)
KIND_NOT_ALLOWED = raised(
    "reddit.kind.not_allowed",
    UPSTREAM,
    "The subreddit must accept this kind of post (`NO_SELFS`, `NO_LINKS`, `NO_IMAGES`).",
    "Use another kind (options.kind) or another subreddit.",
    source_url=SUBMIT,
)
FLAIR_REQUIRED = raised(
    "reddit.flair.required",
    UPSTREAM,
    "The subreddit requires a valid post flair (`SUBMIT_VALIDATION_FLAIR_REQUIRED`, "
    "`BAD_FLAIR_TEMPLATE_ID`).",
    "Pass options.flairId (a flair template id of that subreddit) and, if it is editable, "
    "options.flairText.",
    source_url=SUBMIT,
)
ALREADY_SUBMITTED = raised(
    "reddit.link.already_submitted",
    UPSTREAM,
    "The link must not have been submitted to that subreddit before (`ALREADY_SUB`; letmepost "
    "sends resubmit=false).",
    "Link something else, or post it as a self post.",
    source_url=SUBMIT,
)
SUBMIT_REJECTED = raised(
    "reddit.submit.rejected",
    UPSTREAM,
    "Reddit must accept the submission (any other `api_type=json` error).",
    "Read platformResponse.json.errors for Reddit's code and message.",
    source_url=SUBMIT,
)
IMAGE_UPLOAD_FAILED = raised(
    "reddit.image.upload_failed",
    UPSTREAM,
    "The image must be accepted by Reddit's media upload (`/api/media/asset.json` then the "
    "storage form POST), an undocumented flow.",
    "Retry, or post the image's URL as a link post (options.kind link).",
    source_url=SUBMIT,
)
