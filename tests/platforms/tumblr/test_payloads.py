"""The canned Tumblr answers come from the prose docs' own examples (there is no schema to
validate them against), and the NPF checker refuses what the docs refuse."""

from __future__ import annotations

from tests.platforms.tumblr.conftest import docs, npf_errors, payload


def test_the_canned_answers_are_the_documented_examples() -> None:
    text = docs()
    assert '"expires_in": 2520' in text and '"scope": "write offline_access"' in text
    assert '"id": "1234567891234567"' in text  # POST /posts (NPF) response
    assert '"title": "\'content\' must be an array\'"' in text
    assert payload("error_invalid_npf")["errors"][0]["code"] == 8001
    user = payload("user_info")["response"]["user"]
    assert {"name", "url", "title", "primary"} <= set(user["blogs"][1])
    for field in ("blogs.name", "blogs.url", "blogs.primary"):
        assert f"**{field}**" in text


def test_the_npf_checker_follows_the_documented_limits() -> None:
    assert npf_errors({"content": [{"type": "text", "text": "hi"}]}) == []
    assert npf_errors({"content": []}) != []
    assert npf_errors({"content": [{"type": "text", "text": "a" * 4097}]}) != []
    image = {"type": "image", "media": [{"identifier": "media0"}]}
    assert npf_errors({"content": [image]}) != []  # no such part
    assert npf_errors({"content": [image]}, {"media0"}) == []
    assert npf_errors({"content": [image] * 31}, {"media0"}) != []
    assert npf_errors({"content": [{"type": "link"}]}) != []
    assert (
        npf_errors({"content": [{"type": "text", "text": "a"}], "state": "later"}) != []
    )
