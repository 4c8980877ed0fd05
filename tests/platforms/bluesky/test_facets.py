"""Facets: the official client's detection rules, indexed in UTF-8 bytes."""

from __future__ import annotations

from platforms.bluesky.facets import build_facets, byte_offsets, detect

DIDS = {"alice.test": "did:plc:alice", "bob.bsky.social": "did:plc:bob"}


def facets(text: str) -> list[tuple[str, str, str]]:
    """(kind, covered text, value) per facet, cutting the text by the facet's byte range."""
    found, _ = build_facets(text, DIDS.get)
    raw = text.encode()
    out = []
    for facet in found:
        feature = facet["features"][0]
        covered = raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
        value = feature.get("uri") or feature.get("did") or feature.get("tag")
        out.append((feature["$type"].rsplit("#", 1)[1], covered, value))
    return out


def test_offsets_are_utf8_bytes_not_characters() -> None:
    text = "✨ héllo 👨‍👩‍👧 https://example.com/ü #tag"
    assert facets(text) == [
        ("link", "https://example.com/ü", "https://example.com/ü"),
        ("tag", "#tag", "tag"),
    ]
    assert byte_offsets("a✨b") == [0, 1, 4, 5]


def test_scheme_less_links_need_a_known_tld_like_the_official_app() -> None:
    assert facets("docs at example.com/docs and file.notatld") == [
        ("link", "example.com/docs", "https://example.com/docs")
    ]


def test_trailing_punctuation_and_unbalanced_parens_are_left_out_of_links() -> None:
    assert facets("see https://example.com/a. (https://example.com/b) ok") == [
        ("link", "https://example.com/a", "https://example.com/a"),
        ("link", "https://example.com/b", "https://example.com/b"),
    ]
    assert facets("wiki https://en.wikipedia.org/wiki/Fish_(food)") == [
        (
            "link",
            "https://en.wikipedia.org/wiki/Fish_(food)",
            "https://en.wikipedia.org/wiki/Fish_(food)",
        )
    ]


def test_mentions_resolve_to_dids_and_unknown_handles_stay_plain() -> None:
    text = "hi @alice.test, @bob.bsky.social and @carol.bsky.social. email a@b.com"
    _, unresolved = build_facets(text, DIDS.get)
    assert facets(text) == [
        ("mention", "@alice.test", "did:plc:alice"),
        ("mention", "@bob.bsky.social", "did:plc:bob"),
    ]
    assert unresolved == ["carol.bsky.social"]


def test_each_handle_is_resolved_once() -> None:
    asked: list[str] = []

    def resolve(handle: str) -> str:
        asked.append(handle)
        return "did:plc:alice"

    found, _ = build_facets("@alice.test @alice.test", resolve)
    assert asked == ["alice.test"] and len(found) == 2


def test_hashtags_follow_the_official_rules() -> None:
    text = "#release! #2026 #v2 \uff03全角 #a\u200bb not#tag " + "#" + "x" * 65
    assert facets(text) == [
        ("tag", "#release", "release"),
        ("tag", "#v2", "v2"),
        ("tag", "\uff03全角", "全角"),
        ("tag", "#a", "a"),
    ]


def test_detect_reports_code_point_spans() -> None:
    (link,) = detect("→ example.com")
    assert (link.kind, link.start, link.end) == ("link", 2, 13)
