"""Tumblr rules: an NPF post is a list of content blocks (text paragraphs, images, one link),
within the NPF spec's "Post Content Limits"; the post's state and tags; no replies; plus the
ids the adapter raises from Tumblr's error subcodes.

Each line of the text becomes one text block (NPF: "a text block represents a single
paragraph"); blank lines are dropped. Options arrive snake_case: `tags` (a list, or one
comma-separated string), `state` (published, draft, queue, private), `link` (a URL, sent as a
link block after the text), `source_url`.
"""

from __future__ import annotations

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    raised,
)
from platforms.preflight.text import is_blank

MAX_BLOCKS = 1000  # "Total Content Blocks Limit"
MAX_TEXT_BLOCK_CHARS = 4096  # "Text Block Length", in Unicode code points
MAX_IMAGES = 30  # "Image Blocks"
MAX_IMAGE_BYTES = (
    20 * 1024 * 1024
)  # not in the API docs: Tumblr's help centre, for photos
STATES = ("published", "draft", "queue", "private")
NPF_LIMITS = "https://www.tumblr.com/docs/npf#post-content-limits"
NPF_TEXT = "https://www.tumblr.com/docs/npf#content-block-type-text"
CREATE_POST = (
    "https://www.tumblr.com/docs/en/api/v2#posts---createreblog-a-post-neue-post-format"
)
RATE_LIMITS = "https://www.tumblr.com/docs/en/api/v2#rate-limits"


def paragraphs(text: str) -> list[str]:
    """The text blocks the text becomes: one per non-blank line."""
    return [line for line in (text or "").splitlines() if not is_blank(line)]


def block_count(draft: Draft) -> int:
    return (
        len(paragraphs(draft.text)) + len(draft.media) + bool(draft.options.get("link"))
    )


CONTENT_REQUIRED = RuleSpec(
    "tumblr.content.required",
    SHAPE,
    "A new post needs at least one content block: text, an image or options.link.",
    "Add text, attach an image or pass options.link.",
    source_url=CREATE_POST,
)


def _content_required(draft: Draft) -> Violation | None:
    if block_count(draft):
        return None
    return CONTENT_REQUIRED.violation(
        "The post has no text, no image and no link; Tumblr needs one.", field="text"
    )


content_required = CheckedRule(CONTENT_REQUIRED, _content_required)
CONTENT_MAX_BLOCKS = RuleSpec(
    "tumblr.content.max_blocks",
    SHAPE,
    f"A post holds at most {MAX_BLOCKS:,} content blocks (each text line, image and link is "
    "one).",
    "Split the post, or join short lines into paragraphs.",
    {"max_blocks": MAX_BLOCKS},
    source_url=NPF_LIMITS,
)


def _content_max_blocks(draft: Draft) -> Violation | None:
    if (n := block_count(draft)) <= MAX_BLOCKS:
        return None
    return CONTENT_MAX_BLOCKS.violation(
        f"The post makes {n:,} content blocks; Tumblr allows {MAX_BLOCKS:,}.",
        field="text",
    )


content_max_blocks = CheckedRule(CONTENT_MAX_BLOCKS, _content_max_blocks)
text_block_max_chars = c.text_max(
    RuleSpec(
        "tumblr.text.block_max_chars",
        SHAPE,
        f"Each paragraph (a line of the text, one NPF text block) must be at most "
        f"{MAX_TEXT_BLOCK_CHARS:,} characters (code points).",
        f"Break paragraphs longer than {MAX_TEXT_BLOCK_CHARS:,} characters into several lines.",
        {"max_chars": MAX_TEXT_BLOCK_CHARS},
        source_url=NPF_LIMITS,
    ),
    "max_chars",
    count=len,
    unit="characters",
    what="The longest paragraph",
    get=lambda draft: max(paragraphs(draft.text), key=len, default=None),
)
media_max_images = f.media_max_items(
    "tumblr.media.max_items",
    MAX_IMAGES,
    f"At most {MAX_IMAGES} images per post.",
    "Split the images over several posts.",
    NPF_LIMITS,
)
images_only = f.images_only(
    "tumblr.media.images_only",
    "Media must be images: letmepost sends text, image and link blocks (a native Tumblr video "
    "upload is limited to one per post and 20 a day, and is not supported yet).",
    "Attach images, or put the video's address in options.link.",
    NPF_LIMITS,
    why="Tumblr posts from letmepost take images.",
)
# Every image is uploaded with the post (a URL is downloaded first), so these apply to all.
image_size_max = f.size_max(
    "tumblr.media.image_size_max",
    "image",
    MAX_IMAGE_BYTES,
    CREATE_POST,
    notes="The API docs state no byte cap; 20 MB is the photo limit of Tumblr's help centre.",
)
media_reachable = f.reachable(
    "tumblr.media.reachable",
    CREATE_POST,
    checks="An image `url` must answer a GET with 2xx: it is downloaded and uploaded with the post.",
)
state_allowed = f.option_enum(
    "tumblr.state.allowed",
    SHAPE,
    "state",
    STATES,
    CREATE_POST,
    default="published",
)
TAGS_NO_COMMAS = RuleSpec(
    "tumblr.tags.no_commas",
    SHAPE,
    "A tag must not contain a comma: Tumblr takes tags as one comma-separated string.",
    "Send each tag as its own list item, without commas.",
    source_url=CREATE_POST,
)


def _tags_no_commas(draft: Draft) -> Violation | None:
    value = draft.options.get("tags")
    for i, tag in enumerate(value if isinstance(value, list | tuple) else []):
        if "," in str(tag):
            return TAGS_NO_COMMAS.violation(
                f"Tag {tag!r} contains a comma.", field=f"options.tags.{i}"
            )
    return None


tags_no_commas = CheckedRule(TAGS_NO_COMMAS, _tags_no_commas)
LINK_HTTP = RuleSpec(
    "tumblr.link.http",
    SHAPE,
    "options.link and options.sourceUrl, when given, must be absolute http(s) URLs.",
    "Use an absolute https:// URL.",
    source_url="https://www.tumblr.com/docs/npf#content-block-type-link",
)


def _link_http(draft: Draft) -> Violation | None:
    return c.option_http_url(LINK_HTTP, draft, "link") or c.option_http_url(
        LINK_HTTP, draft, "source_url", "sourceUrl"
    )


link_http = CheckedRule(LINK_HTTP, _link_http)
thread_unsupported = f.thread_unsupported(
    "tumblr.thread.unsupported",
    CREATE_POST,
    notes="Tumblr has no replies to posts in its API: a reblog with added content is a new "
    "post on the reblogging blog, not a reply, so threads and first comments are refused.",
)
POST_INVALID = raised(
    "tumblr.post.invalid",
    UPSTREAM,
    "Tumblr must accept the NPF post (400, subcode 8001: an invalid NPF parameter).",
    "Read platformResponse.errors; report it if the post passed preflight.",
    source_url=CREATE_POST,
)
MEDIA_REFUSED = raised(
    "tumblr.media.refused",
    UPSTREAM,
    "Tumblr must accept the uploaded image's format (400, subcode 8005).",
    "Send a JPEG, PNG or GIF image.",
    source_url=CREATE_POST,
)
POSTS_PER_DAY = raised(
    "tumblr.limit.posts_per_day",
    UPSTREAM,
    "A user may publish at most 250 posts a day (403, subcode 8023).",
    "Publish again tomorrow (Tumblr's days follow its servers' calendar).",
    {"posts_per_day": 250},
    source_url=RATE_LIMITS,
)
MEDIA_PER_DAY = raised(
    "tumblr.limit.media_per_day",
    UPSTREAM,
    "A user may upload at most 250 images a day (403, subcode 8004 or 8011).",
    "Publish again tomorrow, or link the images instead.",
    {"images_per_day": 250},
    source_url=RATE_LIMITS,
)
QUEUE_FULL = raised(
    "tumblr.limit.queue_full",
    UPSTREAM,
    "A blog holds at most 1,000 queued posts (403, subcode 8022).",
    "Publish or delete queued posts, or use state published.",
    {"queued_posts": 1000},
    source_url=RATE_LIMITS,
)
