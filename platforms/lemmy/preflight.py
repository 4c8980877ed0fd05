"""Lemmy rules (0.19): a post is a title in a community, with an optional Markdown body and one
optional link or image; thread items and first comments are comments on it (`lemmy.comment.*`);
plus the ids the adapter raises from Lemmy's error codes.

Options arrive snake_case: `community` (a name, `name@instance` or `!name@instance`), `title`,
`url`, `nsfw`.
"""

from __future__ import annotations

from platforms import comments
from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import SHAPE, UPSTREAM, CheckedRule, RuleSpec, raised

MAX_TITLE_CHARS = 200  # MAX_TITLE_LENGTH in Lemmy's validation.rs
MAX_BODY_CHARS = 10_000  # POST_BODY_MAX_LENGTH
MAX_ITEMS = 1  # a post has one `url`
VALIDATION = "https://github.com/LemmyNet/lemmy/blob/0.19.11/crates/utils/src/utils/validation.rs"
CREATE_POST = "https://join-lemmy.org/api/interfaces/CreatePost.html"
PICTRS = "https://join-lemmy.org/docs/administration/configuration.html"

community_required = f.option_required(
    "lemmy.community.required",
    "community",
    CREATE_POST,
    remediation='Name the community: options.community, e.g. "technology" or '
    '"technology@lemmy.world".',
)
title_required, title_max_chars = f.title(
    "lemmy",
    MAX_TITLE_CHARS,
    CREATE_POST,
    remediation="Give the post a title: options.title (Lemmy's CreatePost.name).",
    max_source_url=VALIDATION,
)
text_max_chars = f.text_max_chars(
    "lemmy.text.max_chars",
    MAX_BODY_CHARS,
    f"The post body (the text) must be at most {MAX_BODY_CHARS:,} characters.",
    VALIDATION,
)
media_max_items = f.media_max_items(
    "lemmy.media.max_items",
    MAX_ITEMS,
    f"At most {MAX_ITEMS} media item: a Lemmy post carries one link or image.",
    "Send one image, or split into several posts.",
    CREATE_POST,
)

images_only = f.images_only(
    "lemmy.media.images_only",
    "Media must be an image: it is uploaded to the instance's pict-rs, whose video support is "
    "an instance setting.",
    "Attach an image, or put the video's address in options.url.",
    PICTRS,
    why="Lemmy posts take one image.",
)

URL_HTTP = RuleSpec(
    "lemmy.url.http",
    SHAPE,
    "options.url, when given, must be an absolute http(s) URL, and not together with media.",
    "Use an absolute https:// link, or attach the image instead of linking it.",
    source_url=CREATE_POST,
)


def _url_http(draft: Draft) -> Violation | None:
    bad = c.option_http_url(URL_HTTP, draft, "url")
    if bad or draft.options.get("url") is None or not draft.media:
        return bad
    return URL_HTTP.violation(
        "options.url and media both set the post's one link.", field="options.url"
    )


url_http = CheckedRule(URL_HTTP, _url_http)
# --- comments: thread items and first comments (platforms.comments) ---------------------------

CREATE_COMMENT = "https://join-lemmy.org/api/interfaces/CreateComment.html"
MAX_COMMENT_CHARS = 10_000  # the comment body shares the post body's maximum

comment_non_empty = comments.text_non_empty("lemmy.comment.non_empty", CREATE_COMMENT)
comment_max_graphemes = comments.text_max(
    "lemmy.comment.max_graphemes",
    MAX_COMMENT_CHARS,
    CREATE_COMMENT,
    notes="Lemmy counts 10,000 characters; graphemes are never more than characters, so a "
    "comment over the limit in characters but not in graphemes is refused by Lemmy itself.",
)
comment_media_unsupported = comments.no_media(
    "lemmy.comment.media_unsupported",
    CREATE_COMMENT,
    notes="A Lemmy comment is Markdown text; link an image in the text instead.",
)

COMMUNITY_NOT_FOUND = raised(
    "lemmy.community.not_found",
    UPSTREAM,
    "The community must exist on, or be known to, the account's instance "
    "(`couldnt_find_community`).",
    "Check options.community; for a remote community use name@instance, and search for it "
    "once on your instance so it federates.",
    source_url=CREATE_POST,
)
COMMUNITY_BANNED = raised(
    "lemmy.community.banned",
    UPSTREAM,
    "The account must not be banned from the community (`banned_from_community`).",
    "Post to another community, or ask its moderators.",
    source_url=CREATE_POST,
)
COMMUNITY_MODS_ONLY = raised(
    "lemmy.community.mods_only",
    UPSTREAM,
    "Only moderators may post in this community (`only_mods_can_post_in_community`).",
    "Post to another community, or become a moderator.",
    source_url=CREATE_POST,
)
TITLE_INVALID = raised(
    "lemmy.title.invalid",
    UPSTREAM,
    "Lemmy refused the title (`invalid_post_title`: blank, too long, or line breaks).",
    "Use a one-line title of at most 200 characters.",
    source_url=VALIDATION,
)
URL_INVALID = raised(
    "lemmy.url.invalid",
    UPSTREAM,
    "Lemmy refused the link (`invalid_url`, `url_blocked`).",
    "Use another link; the instance may block that domain.",
    source_url=VALIDATION,
)
IMAGE_REFUSED = raised(
    "lemmy.image.upload_refused",
    UPSTREAM,
    "The instance's pict-rs must accept the image (413: too large; 4xx: type or policy).",
    "Send a smaller JPEG/PNG/WebP, or link the image with options.url.",
    source_url=PICTRS,
)
