"""Check builders for the constraints most platforms share, each bound to one `RuleSpec`.

A platform module declares its spec (with its numbers as module constants) and calls one of these
to get the check; anything platform-specific is written out in the platform's own module. Every
builder reads its numbers from `spec.limits`, so a limit lives in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from platforms.base import Draft, MediaItem, Violation
from platforms.preflight.media import is_gif
from platforms.preflight.spec import (
    PLATFORM_NAMES,
    CheckedRule,
    Measure,
    RuleSpec,
    Span,
)
from platforms.preflight.text import grapheme_count, is_blank

Counter = Callable[[str], int]


def name(spec: RuleSpec) -> str:
    return PLATFORM_NAMES[spec.platform]


def text_non_empty(spec: RuleSpec) -> CheckedRule:
    """The text must have something visible, media or not."""

    def check(draft: Draft) -> Violation | None:
        if not is_blank(draft.text):
            return None
        return spec.violation(
            f"Text is empty; {name(spec)} needs visible text.", field="text"
        )

    return CheckedRule(spec, check)


def text_required_without_media(spec: RuleSpec) -> CheckedRule:
    """A post without media must have visible text."""

    def check(draft: Draft) -> Violation | None:
        if draft.media or not is_blank(draft.text):
            return None
        return spec.violation(
            f"The post has no text and no media; {name(spec)} needs one of them.",
            field="text",
        )

    return CheckedRule(spec, check)


def text_max(
    spec: RuleSpec,
    key: str,
    *,
    count: Counter = grapheme_count,
    unit: str = "graphemes",
    what: str = "Text",
    field: str = "text",
    get: Callable[[Draft], str | None] = lambda draft: draft.text,
    links: Callable[[str], list[Span]] | None = None,
) -> CheckedRule:
    """`get(draft)` measured with `count` must not exceed `spec.limits[key]`; `links` says what
    the platform links in it (for previews)."""
    limit = spec.limit(key)

    def check(draft: Draft) -> Violation | None:
        text = get(draft)
        if text is None or (size := count(text)) <= limit:
            return None
        return spec.violation(
            f"{what} is {size:,} {unit}; {name(spec)} allows {limit:,}.", field=field
        )

    def size(draft: Draft) -> tuple[int, int]:
        return count(get(draft) or ""), limit

    return CheckedRule(spec, check, measure=Measure(unit, field, size, links))


def alt_text_max(
    spec: RuleSpec,
    key: str = "max_graphemes",
    *,
    count: Counter = grapheme_count,
    unit: str = "graphemes",
) -> CheckedRule:
    """Every alt text must fit; the first that does not is reported."""
    limit = spec.limit(key)

    def check(draft: Draft) -> Violation | None:
        for i, item in enumerate(draft.media):
            if item.alt_text and (size := count(item.alt_text)) > limit:
                return spec.violation(
                    f"Alt text of media.{i} is {size:,} {unit}; {name(spec)} allows {limit:,}.",
                    field=f"media.{i}.altText",
                )
        return None

    return CheckedRule(spec, check)


def media_required(spec: RuleSpec, key: str = "min_items") -> CheckedRule:
    minimum = spec.limit(key)

    def check(draft: Draft) -> Violation | None:
        if len(draft.media) >= minimum:
            return None
        return spec.violation(
            f"The post has {len(draft.media)} media items; {name(spec)} needs at least {minimum}.",
            field="media",
        )

    return CheckedRule(spec, check)


def media_max_items(spec: RuleSpec, key: str = "max_items") -> CheckedRule:
    limit = spec.limit(key)

    def check(draft: Draft) -> Violation | None:
        if len(draft.media) <= limit:
            return None
        return spec.violation(
            f"The post has {len(draft.media)} media items; {name(spec)} allows {limit}.",
            field="media",
        )

    return CheckedRule(spec, check)


def videos_only(spec: RuleSpec, *, required: bool = False) -> CheckedRule:
    """Every media item must be a video; with `required`, a post without one breaks it too."""

    def check(draft: Draft) -> Violation | None:
        if required and not draft.media:
            return spec.violation(
                f"The post has no media; {name(spec)} needs a video.", field="media"
            )
        for i, item in enumerate(draft.media):
            if item.kind != "video":
                return spec.violation(
                    f"media.{i} is an {item.kind}; {name(spec)} takes one video.",
                    field=f"media.{i}",
                )
        return None

    return CheckedRule(spec, check)


# The kinds every platform's allow-lists are about; other kinds (documents) are refused by them.
MEDIA_KINDS = ("image", "video")


def count_by_kind(draft: Draft, kind: str) -> int:
    return sum(1 for item in draft.media if item.kind == kind)


def media_count_by_kind(spec: RuleSpec) -> CheckedRule:
    """At most `max_images` images and `max_videos` videos (whichever keys the spec has)."""
    limits = {
        kind: spec.limit(key)
        for kind, key in (("image", "max_images"), ("video", "max_videos"))
        if key in spec.limits and key not in spec.informational
    }

    def check(draft: Draft) -> Violation | None:
        for kind, limit in limits.items():
            if (n := count_by_kind(draft, kind)) > limit:
                return spec.violation(
                    f"The post has {n} {kind}s; {name(spec)} allows {limit}.",
                    field="media",
                )
        return None

    return CheckedRule(spec, check)


def image_video_exclusive(spec: RuleSpec) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        images, videos = count_by_kind(draft, "image"), count_by_kind(draft, "video")
        if not (images and videos):
            return None
        return spec.violation(
            f"The post mixes {images} image(s) and {videos} video(s); {name(spec)} takes one kind.",
            field="media",
        )

    return CheckedRule(spec, check)


def allowed_types(spec: RuleSpec, item: MediaItem, keys: dict[str, str]) -> list[str]:
    """The allow-list for this item's kind; `keys` maps a kind ("image", "gif", "video")
    to the spec's limit key. GIFs use the "gif" list when the spec has one."""
    lists: list[str] = []
    if item.kind == "image" and "gif" in keys:
        lists = [keys["image"], keys["gif"]]
    elif item.kind in keys:
        lists = [keys[item.kind]]
    return [mime for key in lists for mime in spec.limit(key)]


def mime_allowed(spec: RuleSpec, keys: dict[str, str]) -> CheckedRule:
    """A known media type must be on the list for its kind; unknown types are not judged here.
    A kind beyond images and videos (a document) with no list is refused whatever its type."""

    def check(draft: Draft) -> Violation | None:
        for i, item in enumerate(draft.media):
            if item.kind not in keys and item.kind not in MEDIA_KINDS:
                return spec.violation(
                    f"media.{i} is a {item.kind}; {name(spec)} takes images and videos only.",
                    field=f"media.{i}",
                )
            if not item.content_type or item.kind not in keys:
                continue  # unknown type, or another rule's kind
            allowed = allowed_types(spec, item, keys)
            if item.content_type.lower() not in allowed:
                accepted = ", ".join(allowed) or f"no {item.kind}s"
                return spec.violation(
                    f"media.{i} is {item.content_type}; {name(spec)} accepts {accepted} for a {item.kind}.",
                    field=f"media.{i}",
                )
        return None

    return CheckedRule(spec, check)


def size_max(
    spec: RuleSpec,
    kind: str,
    key: str = "max_bytes",
    *,
    gif: bool | None = None,
) -> CheckedRule:
    """Each `kind` item of known size must fit; `gif` narrows images to GIFs (True) or others."""
    limit = spec.limit(key)

    def applies(item: MediaItem) -> bool:
        if item.kind != kind or item.size_bytes is None:
            return False
        return gif is None or is_gif(item) == gif

    def check(draft: Draft) -> Violation | None:
        for i, item in enumerate(draft.media):
            if (
                applies(item)
                and item.size_bytes is not None
                and item.size_bytes > limit
            ):
                label = "GIF" if gif else item.kind
                return spec.violation(
                    f"media.{i} ({label}) is {item.size_bytes:,} bytes; {name(spec)} allows {limit:,}.",
                    field=f"media.{i}",
                )
        return None

    return CheckedRule(spec, check)


def media_urls(
    draft: Draft, kinds: Iterable[str] = ("image", "video")
) -> list[tuple[int, str]]:
    return [
        (i, item.url)
        for i, item in enumerate(draft.media)
        if item.url and item.kind in kinds
    ]


def unreachable(spec: RuleSpec, draft: Draft, url: str, field: str) -> Violation | None:
    """A violation when the deep stage fetched `url` and got no 2xx; None if it was not fetched."""
    probe = draft.probes.get(url)
    if probe is None or probe.ok:
        return None
    answer = f"HTTP {probe.status}" if probe.status is not None else probe.error
    return spec.violation(
        f"{field} ({url}) could not be fetched: {answer}.", field=field
    )


def media_reachable(
    spec: RuleSpec, kinds: Iterable[str] = ("image", "video")
) -> CheckedRule:
    wanted = tuple(kinds)

    def check(draft: Draft) -> Violation | None:
        for i, url in media_urls(draft, wanted):
            if violation := unreachable(spec, draft, url, f"media.{i}.url"):
                return violation
        return None

    return CheckedRule(spec, check)


def no_thread(spec: RuleSpec) -> CheckedRule:
    """The post must stand alone: no thread items and no first comment."""

    def check(draft: Draft) -> Violation | None:
        comment = not is_blank(draft.first_comment)
        # `thread_length` counts the first comment too; a draft built outside the engine may
        # carry a first comment with no count.
        items = max(draft.thread_length - comment, 0)
        if not items and not comment:
            return None
        has = [f"{items} thread item{'s' if items != 1 else ''}"] if items else []
        has += ["a first comment"] if comment else []
        return spec.violation(
            f"The post has {' and '.join(has)}; {name(spec)} has no replies or comments.",
            field="thread" if items else "firstComment",
        )

    return CheckedRule(spec, check)


def option_enum(spec: RuleSpec, key: str) -> CheckedRule:
    """`options[key]`, when given, must be one of `spec.limits["allowed"]`."""
    allowed = spec.limit("allowed")

    def check(draft: Draft) -> Violation | None:
        value = draft.options.get(key)
        if value is None or value in allowed:
            return None
        return spec.violation(
            f"options.{key} is {value!r}; {name(spec)} accepts {', '.join(allowed)}.",
            field=f"options.{key}",
        )

    return CheckedRule(spec, check)


def option_http_url(
    spec: RuleSpec, draft: Draft, key: str, wire: str | None = None
) -> Violation | None:
    """`options[key]`, when given, must be an absolute http(s) URL (`wire` is its API name)."""
    value = draft.options.get(key)
    if value is None:
        return None
    parts = urlsplit(str(value))
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return None
    wire = wire or key
    return spec.violation(
        f"options.{wire} {value!r} is not an absolute http(s) URL.",
        field=f"options.{wire}",
    )


def kinds_only(spec: RuleSpec, kinds: Iterable[str] = MEDIA_KINDS) -> CheckedRule:
    """Every media item must be of one of `kinds` (a document is refused where none is taken)."""
    wanted = tuple(kinds)

    def check(draft: Draft) -> Violation | None:
        for i, item in enumerate(draft.media):
            if item.kind not in wanted:
                return spec.violation(
                    f"media.{i} is a {item.kind}; {name(spec)} takes {' and '.join(f'{k}s' for k in wanted)} only.",
                    field=f"media.{i}",
                )
        return None

    return CheckedRule(spec, check)
