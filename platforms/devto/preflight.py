"""DEV (Forem) rules: an article is a title and a Markdown body, with at most four tags, an
optional canonical URL, series and cover image; the API uploads no media and publishes no
comments; plus the ids the adapter raises from Forem's answers.

Options arrive snake_case: `title` (required), `tags` (a list, or one comma-separated string),
`canonical_url`, `series`, `main_image`, `description`, `published` (default true).
The title, tag and body limits are Forem's model validations (`app/models/article.rb`,
`app/models/tag.rb`); the OpenAPI description states none.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from platforms.base import Draft, Violation
from platforms.preflight import families as f
from platforms.preflight.spec import SHAPE, UPSTREAM, CheckedRule, RuleSpec, raised
from platforms.preflight.text import comma_list

MAX_TITLE_CHARS = 128  # Article: validates :title, length: { maximum: 128 }
MAX_TAGS = 4  # Article: "exceed the maximum of 4 tags"
MAX_TAG_CHARS = 30  # Tag: validates :name, length: { maximum: 30 }
API_DOCS = "https://developers.forem.com/api/v1#tag/articles/operation/createArticle"
ARTICLE_MODEL = "https://github.com/forem/forem/blob/main/app/models/article.rb"
TAG_MODEL = "https://github.com/forem/forem/blob/main/app/models/tag.rb"


title_required, title_max_chars = f.title(
    "devto",
    MAX_TITLE_CHARS,
    API_DOCS,
    remediation="Give the article a title: options.title.",
    max_source_url=ARTICLE_MODEL,
)
TAGS_MAX_ITEMS = RuleSpec(
    "devto.tags.max_items",
    SHAPE,
    f"options.tags may hold at most {MAX_TAGS} tags.",
    f"Keep the {MAX_TAGS} tags that matter most.",
    {"max_items": MAX_TAGS},
    source_url=ARTICLE_MODEL,
)


def _tags_max_items(draft: Draft) -> Violation | None:
    if (n := len(comma_list(draft.options.get("tags")))) <= MAX_TAGS:
        return None
    return TAGS_MAX_ITEMS.violation(
        f"options.tags has {n} tags; DEV allows {MAX_TAGS}.", field="options.tags"
    )


tags_max_items = CheckedRule(TAGS_MAX_ITEMS, _tags_max_items)
TAGS_FORMAT = RuleSpec(
    "devto.tags.format",
    SHAPE,
    f"Each tag must be letters and digits only (no spaces, dashes or #), at most "
    f"{MAX_TAG_CHARS} characters; tags are sent lowercased, as Forem stores them.",
    'Write tags as Forem does: "javascript", "webdev", "100daysofcode".',
    {"max_chars": MAX_TAG_CHARS},
    source_url=TAG_MODEL,
)


def _tags_format(draft: Draft) -> Violation | None:
    for i, tag in enumerate(comma_list(draft.options.get("tags"))):
        if not tag.isalnum() or len(tag) > MAX_TAG_CHARS:
            return TAGS_FORMAT.violation(
                f"Tag {tag!r} is not {MAX_TAG_CHARS} letters or digits at most.",
                field=f"options.tags.{i}",
            )
    return None


tags_format = CheckedRule(TAGS_FORMAT, _tags_format)


def _http_url(key: str, wire: str, checks: str) -> CheckedRule:
    """`devto.<key>.http`: the option, when given, is an absolute http(s) URL."""
    spec = RuleSpec(
        f"devto.{key}.http",
        SHAPE,
        f"options.{wire}, when given, must be an absolute http(s) URL ({checks}).",
        "Use an absolute https:// URL.",
        source_url=API_DOCS,
    )

    def check(draft: Draft) -> Violation | None:
        value = draft.options.get(key)
        if value is None:
            return None
        parts = urlsplit(str(value))
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return None
        return spec.violation(
            f"options.{wire} {value!r} is not an absolute http(s) URL.",
            field=f"options.{wire}",
        )

    return CheckedRule(spec, check)


canonical_url_http = _http_url(
    "canonical_url", "canonicalUrl", "where the article was first published"
)
main_image_http = _http_url(
    "main_image", "mainImage", "the cover image, hosted elsewhere"
)
MEDIA_UNSUPPORTED = RuleSpec(
    "devto.media.unsupported",
    SHAPE,
    "An article takes no attachments: Forem's API v1 has no media upload (the cover image is "
    "options.mainImage, a URL).",
    "Host the images yourself and link them in the Markdown text (![alt](https://…)); set a "
    "cover with options.mainImage.",
    source_url=API_DOCS,
)


def _media_unsupported(draft: Draft) -> Violation | None:
    if not draft.media:
        return None
    return MEDIA_UNSUPPORTED.violation(
        f"The article has {len(draft.media)} media item(s); DEV's API cannot upload them.",
        field="media",
    )


media_unsupported = CheckedRule(MEDIA_UNSUPPORTED, _media_unsupported)
thread_unsupported = f.thread_unsupported(
    "devto.thread.unsupported",
    API_DOCS,
    notes="Forem API v1 reads comments (GET /comments) but has no call that writes one.",
)
ARTICLE_INVALID = raised(
    "devto.article.invalid",
    UPSTREAM,
    "Forem must accept the article (422 Unprocessable Entity: a duplicate or invalid field, "
    "or a canonical URL already used by another article).",
    "Read platformResponse.error, fix that field and publish again.",
    source_url=API_DOCS,
)
