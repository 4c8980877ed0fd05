"""WordPress rules (REST API `/wp/v2`, WordPress 5.6+): a post is a title and HTML content,
with an optional featured image, categories and tags; thread items and first comments are
comments on it (`wordpress.comment.*`); plus the ids the adapter raises from WordPress's answers.

Options arrive snake_case: `title`, `status` (publish, future, draft, pending, private), `date`
(ISO 8601 with an offset; required for `future`), `categories`, `tags` (names or ids), `excerpt`.
"""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_datetime

from platforms import comments
from platforms.base import Draft, Violation
from platforms.preflight import families as f
from platforms.preflight.spec import SHAPE, UPSTREAM, CheckedRule, RuleSpec, raised

POSTS = "https://developer.wordpress.org/rest-api/reference/posts/#create-a-post"
MEDIA = "https://developer.wordpress.org/rest-api/reference/media/#create-a-media-item"
COMMENTS = (
    "https://developer.wordpress.org/rest-api/reference/comments/#create-a-comment"
)
FILETYPES = "https://wordpress.org/documentation/article/accepted-filetypes/"
STATUSES = ("publish", "future", "draft", "pending", "private")
# What every WordPress accepts for images by default (get_allowed_mime_types); WebP since 5.8.
IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_ITEMS = 1  # one featured image

title_required = f.option_required(
    "wordpress.title.required",
    "title",
    POSTS,
    remediation="Give the post a title: options.title.",
)
status_allowed = f.option_enum(
    "wordpress.status.allowed",
    SHAPE,
    "status",
    STATUSES,
    POSTS,
    default="publish",
    remediation="Use publish, future (with options.date), draft, pending or private.",
)

DATE_FOR_FUTURE = RuleSpec(
    "wordpress.date.required_for_future",
    SHAPE,
    'options.status "future" needs options.date, an ISO 8601 time with an offset; a date '
    "is only sent with it.",
    'Send options.date such as "2026-12-24T09:00:00Z", or let letmepost schedule the post '
    "(publishAt) with status publish.",
    source_url=POSTS,
    notes="WordPress publishes a future post at once when its date has passed.",
)


def _date_for_future(draft: Draft) -> Violation | None:
    if draft.options.get("status") != "future":
        return None
    value = draft.options.get("date")
    when = parse_datetime(value) if isinstance(value, str) else None
    if when is not None and when.tzinfo is not None:
        return None
    return DATE_FOR_FUTURE.violation(
        f"options.date is {value!r}; a future post needs an ISO 8601 time with an offset.",
        field="options.date",
    )


date_for_future = CheckedRule(DATE_FOR_FUTURE, _date_for_future)

TERMS_SHAPE = RuleSpec(
    "wordpress.terms.shape",
    SHAPE,
    "options.categories and options.tags, when given, are lists of names (created when "
    "missing) or term ids.",
    'Send e.g. "tags": ["release", "python"] or "categories": [7].',
    source_url=POSTS,
)


def _term_ok(term: Any) -> bool:
    if isinstance(term, bool):
        return False
    return (isinstance(term, int) and term > 0) or (
        isinstance(term, str) and bool(term.strip())
    )


def _terms_shape(draft: Draft) -> Violation | None:
    for key in ("categories", "tags"):
        value = draft.options.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(_term_ok(t) for t in value):
            return TERMS_SHAPE.violation(
                f"options.{key} must be a list of names or ids, not {value!r}.",
                field=f"options.{key}",
            )
    return None


terms_shape = CheckedRule(TERMS_SHAPE, _terms_shape)

media_max_items = f.media_max_items(
    "wordpress.media.max_items",
    MAX_ITEMS,
    f"At most {MAX_ITEMS} media item: it becomes the post's featured image.",
    "Send one image; put more images in the post from WordPress's media library.",
    POSTS,
)

images_only = f.images_only(
    "wordpress.media.images_only",
    "Media must be an image: a featured image.",
    "Attach an image, or link the video in the text.",
    POSTS,
    why="a WordPress featured image is an image.",
)

media_mime_allowed = f.mime_allowed(
    "wordpress.media.mime_allowed",
    "A known image type must be one WordPress accepts by default.",
    "Use a JPEG, PNG, GIF or WebP image.",
    FILETYPES,
    image=IMAGE_MIMES,
    notes="A site may allow more types (a plugin, or the upload_mimes filter); these are "
    "the defaults every WordPress 5.8+ accepts.",
)

# --- comments: thread items and first comments (platforms.comments) ---------------------------

comment_non_empty = comments.text_non_empty("wordpress.comment.non_empty", COMMENTS)
comment_media_unsupported = comments.no_media(
    "wordpress.comment.media_unsupported",
    COMMENTS,
    notes="A WordPress comment is text (with the HTML the site allows); link an image instead.",
)

PARAM_INVALID = raised(
    "wordpress.param.invalid",
    UPSTREAM,
    "WordPress refused a parameter (`rest_invalid_param`); the message names it.",
    "Fix the named option (an unknown category or tag id, a date WordPress cannot read…).",
    source_url=POSTS,
)
UPLOAD_REFUSED = raised(
    "wordpress.media.upload_refused",
    UPSTREAM,
    "The site must accept the image (its size limit `upload_max_filesize`, its allowed types).",
    "Send a smaller JPEG/PNG image, or raise the site's upload limit.",
    source_url=MEDIA,
)
COMMENT_REFUSED = raised(
    "wordpress.comment.refused",
    UPSTREAM,
    "WordPress must accept comments on the post: published, with comments open "
    "(`rest_comment_closed`, `rest_comment_draft_post`).",
    "Publish the post with status publish, and open its comments (Discussion settings).",
    source_url=COMMENTS,
)
