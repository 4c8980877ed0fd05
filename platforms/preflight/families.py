"""The rule families most platforms share, declared in one call: the spec and its check together.

A platform states its facts (the rule id, the number or the allow-lists, its docs page) and, where
its wording is its own, the `checks` or `remediation` text; the standard wording, the stage,
`enforced` and the limit keys live here once. Rules a platform alone has stay in its module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight.spec import DEEP, PARTIAL, SHAPE, CheckedRule, RuleSpec
from platforms.preflight.text import grapheme_count, is_blank

# The reference never saw a size for URL media; uploads (mediaId) carry theirs.
UPLOADS_ONLY = (
    "Unreachable in the reference; here it applies to uploads, whose size is stored."
)
PUBLIC_URL = "Use a public URL or upload via POST /v1/media."


def _plain(
    build: Callable[[RuleSpec], CheckedRule],
) -> Callable[[str, str, str, str], CheckedRule]:
    """A shape rule with no numbers: the platform gives its id, wording and docs page."""

    def declare(
        rule_id: str, checks: str, remediation: str, source_url: str
    ) -> CheckedRule:
        return build(
            RuleSpec(rule_id, SHAPE, checks, remediation, source_url=source_url)
        )

    return declare


text_non_empty = _plain(c.text_non_empty)
text_required = _plain(c.text_required_without_media)
image_video_exclusive = _plain(c.image_video_exclusive)
# Facebook's and Threads' wording of `text_required`.
TEXT_REQUIRED_CHECKS = "A post without media must have non-whitespace text."


def text_max_graphemes(
    rule_id: str,
    maximum: int,
    source_url: str,
    *,
    checks: str | None = None,
    remediation: str | None = None,
    what: str = "Text",
    get: Callable[[Draft], str | None] = lambda draft: draft.text,
    notes: str = "",
) -> CheckedRule:
    spec = RuleSpec(
        rule_id,
        SHAPE,
        checks or f"{what} must be at most {maximum:,} graphemes.",
        remediation or f"Trim to {maximum:,} graphemes.",
        {"max_graphemes": maximum},
        source_url=source_url,
        notes=notes,
    )
    return c.text_max(spec, "max_graphemes", what=what, get=get)


def alt_text_max(
    rule_id: str,
    maximum: int,
    source_url: str,
    *,
    remediation: str = "Shorten the alt text.",
    checks: str | None = None,
    unit: str = "graphemes",
    **fields: Any,
) -> CheckedRule:
    """Alt texts counted in graphemes, or in characters with `unit="characters"`."""
    key = "max_graphemes" if unit == "graphemes" else "max_chars"
    spec = RuleSpec(
        rule_id,
        SHAPE,
        checks or f"Each altText must be at most {maximum:,} {unit}.",
        remediation,
        {key: maximum},
        source_url=source_url,
        **fields,
    )
    count = grapheme_count if unit == "graphemes" else len
    return c.alt_text_max(spec, key, count=count, unit=unit)


def carousel_max(
    rule_id: str, max_items: int, carousel_min: int, remediation: str, source_url: str
) -> CheckedRule:
    """Meta's containers: one item is a single post, 2..max a carousel, kinds may mix."""
    return c.media_max_items(
        RuleSpec(
            rule_id,
            SHAPE,
            f"At most {max_items} items (a carousel is {carousel_min}-{max_items}; images and "
            "videos may mix).",
            remediation,
            {"max_items": max_items, "carousel_min": carousel_min},
            source_url=source_url,
            informational=frozenset({"carousel_min"}),
            notes="One item is a single post, so the carousel minimum never refuses anything.",
        )
    )


def count_by_kind(
    rule_id: str,
    checks: str,
    remediation: str,
    limits: dict[str, Any],
    source_url: str,
    **fields: Any,
) -> CheckedRule:
    """At most `max_images` images and `max_videos` videos (whichever `limits` names)."""
    spec = RuleSpec(
        rule_id, SHAPE, checks, remediation, limits, source_url=source_url, **fields
    )
    return c.media_count_by_kind(spec)


def mime_allowed(
    rule_id: str,
    checks: str,
    remediation: str,
    source_url: str,
    *,
    image: Sequence[str] = (),
    gif: Sequence[str] = (),
    video: Sequence[str] = (),
    documented: Sequence[str] = (),
    **fields: Any,
) -> CheckedRule:
    """Allow-lists per kind (`image_mimes`, `gif_mimes`, `video_mimes`); `documented` is the
    narrower image list the platform's docs name, kept as an informational limit."""
    lists = {"image": image, "gif": gif, "video": video}
    limits: dict[str, Any] = {
        f"{kind}_mimes": list(v) for kind, v in lists.items() if v
    }
    if documented:
        limits["image_mimes_documented"] = list(documented)
        fields["informational"] = frozenset({"image_mimes_documented"})
    fields.setdefault("enforced", PARTIAL)
    spec = RuleSpec(
        rule_id, DEEP, checks, remediation, limits, source_url=source_url, **fields
    )
    return c.mime_allowed(
        spec, {kind: f"{kind}_mimes" for kind, v in lists.items() if v}
    )


_SIZE_WORDING = {
    "image": ("An image", "Re-encode below {:,} bytes."),
    "video": ("A video", "Compress below {:,} bytes."),
    "document": ("A document", "Split or compress the document below {:,} bytes."),
}


def size_max(
    rule_id: str,
    kind: str,
    max_bytes: int,
    source_url: str,
    *,
    checks: str | None = None,
    remediation: str | None = None,
    gif: bool | None = None,
    extra: dict[str, Any] | None = None,
    **fields: Any,
) -> CheckedRule:
    """Each `kind` item of known size must be at most `max_bytes`; `extra` adds documented
    (informational) values to the limits."""
    what, fix = _SIZE_WORDING[kind]
    fields.setdefault("enforced", PARTIAL)
    spec = RuleSpec(
        rule_id,
        DEEP,
        checks or f"{what} must be at most {max_bytes:,} bytes.",
        remediation or fix.format(max_bytes),
        {"max_bytes": max_bytes, **(extra or {})},
        source_url=source_url,
        **fields,
    )
    return c.size_max(spec, kind, gif=gif)


def reachable(
    rule_id: str,
    source_url: str,
    *,
    checks: str = "A media `url` must answer a GET with 2xx.",
    remediation: str = PUBLIC_URL,
    kinds: Iterable[str] = ("image", "video"),
    **fields: Any,
) -> CheckedRule:
    """The deep stage's probe of each media `url` must have answered 2xx."""
    spec = RuleSpec(
        rule_id,
        DEEP,
        checks,
        remediation,
        network=True,
        source_url=source_url,
        **fields,
    )
    return c.media_reachable(spec, kinds)


def thread_unsupported(
    rule_id: str, source_url: str, *, notes: str = ""
) -> CheckedRule:
    """`<slug>.thread.unsupported`: the platform has neither replies nor comments (its adapter's
    `thread_style` is None), so a thread or a first comment is refused before anything is sent
    rather than published in part."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        "A post must have no thread items and no first comment: the platform's API publishes "
        "neither replies nor comments.",
        "Send this target without `thread` and `firstComment`, or publish the follow-ups as "
        "posts of their own.",
        source_url=source_url,
        notes=notes,
    )
    return c.no_thread(spec)


def option_enum(
    rule_id: str,
    stage: str,
    key: str,
    allowed: Sequence[str],
    source_url: str,
    *,
    remediation: str | None = None,
    default: str | None = None,
    **fields: Any,
) -> CheckedRule:
    """`options[key]`, when given, must be one of `allowed`; `default` is what none means."""
    listed = ", ".join(allowed)
    limits: dict[str, Any] = {"allowed": list(allowed)}
    if default is not None:
        limits["default"] = default
    spec = RuleSpec(
        rule_id,
        stage,
        f"options.{key}, when given, must be one of {listed}.",
        remediation or f"Use one of: {listed}.",
        limits,
        source_url=source_url,
        **fields,
    )
    return c.option_enum(spec, key)


def option_required(
    rule_id: str, key: str, source_url: str, *, remediation: str, **fields: Any
) -> CheckedRule:
    """`options[key]` must be given, with visible text (a subreddit, a community, a title)."""
    wire = key.split("_")[0] + "".join(p.title() for p in key.split("_")[1:])
    spec = RuleSpec(
        rule_id,
        SHAPE,
        f"options.{wire} is required.",
        remediation,
        source_url=source_url,
        **fields,
    )

    def check(draft: Draft) -> Violation | None:
        value = draft.options.get(key)
        if isinstance(value, str | int) and not is_blank(str(value)):
            return None
        return spec.violation(
            f"options.{wire} is missing; {c.name(spec)} needs it.",
            field=f"options.{wire}",
        )

    return CheckedRule(spec, check)


def option_max_chars(
    rule_id: str, key: str, maximum: int, source_url: str, **fields: Any
) -> CheckedRule:
    """`options[key]`, when given, is at most `maximum` characters (code points)."""
    wire = key.split("_")[0] + "".join(p.title() for p in key.split("_")[1:])
    spec = RuleSpec(
        rule_id,
        SHAPE,
        f"options.{wire} must be at most {maximum:,} characters.",
        f"Shorten options.{wire} to {maximum:,} characters.",
        {"max_chars": maximum},
        source_url=source_url,
        **fields,
    )
    return c.text_max(
        spec,
        "max_chars",
        count=len,
        unit="characters",
        what=f"options.{wire}",
        field=f"options.{wire}",
        get=lambda draft: (
            str(draft.options[key]) if draft.options.get(key) is not None else None
        ),
    )


def media_max_items(
    rule_id: str,
    maximum: int,
    checks: str,
    remediation: str,
    source_url: str,
    **fields: Any,
) -> CheckedRule:
    """At most `maximum` media items of any kind; the platform words what an item becomes."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        checks,
        remediation,
        {"max_items": maximum},
        source_url=source_url,
        **fields,
    )
    return c.media_max_items(spec)


def images_only(
    rule_id: str,
    checks: str,
    remediation: str,
    source_url: str,
    *,
    why: str,
    **fields: Any,
) -> CheckedRule:
    """Every media item must be an image; `why` ends the message ("media.0 is a video; <why>")."""
    spec = RuleSpec(
        rule_id, SHAPE, checks, remediation, source_url=source_url, **fields
    )

    def check(draft: Draft) -> Violation | None:
        for i, item in enumerate(draft.media):
            if item.kind != "image":
                return spec.violation(
                    f"media.{i} is a {item.kind}; {why}", field=f"media.{i}"
                )
        return None

    return CheckedRule(spec, check)


def title(
    slug: str,
    maximum: int,
    source_url: str,
    *,
    remediation: str,
    max_source_url: str | None = None,
) -> tuple[CheckedRule, CheckedRule]:
    """A required `options.title` of at most `maximum` characters, as posts with a headline
    (an article, a submission) have: `<slug>.title.required` and `<slug>.title.max_chars`."""
    return (
        option_required(
            f"{slug}.title.required", "title", source_url, remediation=remediation
        ),
        option_max_chars(
            f"{slug}.title.max_chars", "title", maximum, max_source_url or source_url
        ),
    )


def text_max_chars(
    rule_id: str,
    maximum: int,
    checks: str,
    source_url: str,
    *,
    what: str = "Text",
    **fields: Any,
) -> CheckedRule:
    """The text counted in characters (code points), where the platform counts those rather
    than graphemes; the platform words what its text is."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        checks,
        f"Shorten the text to {maximum:,} characters.",
        {"max_chars": maximum},
        source_url=source_url,
        **fields,
    )
    return c.text_max(spec, "max_chars", count=len, unit="characters", what=what)


def documents_unsupported(
    rule_id: str, source_url: str, *, notes: str = ""
) -> CheckedRule:
    """`<slug>.media.document_unsupported`: the platform posts images and videos, not documents
    (PDF), which only LinkedIn publishes; refused before anything is sent."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        "Media must be images or videos: this platform's API takes no documents (PDF).",
        "Remove the document, or send it to LinkedIn only.",
        source_url=source_url,
        notes=notes,
    )
    return c.kinds_only(spec)
