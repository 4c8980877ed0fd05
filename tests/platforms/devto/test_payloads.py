"""The canned DEV answers are the description's own examples, or valid per its schemas."""

from __future__ import annotations

from tests.platforms.devto.conftest import DOC, payload


def example(method: str, path: str, status: str) -> object:
    content = DOC.operation(method, path)["responses"][status]["content"]
    return content["application/json"]["example"]


def test_the_article_and_the_user_are_the_documented_examples() -> None:
    assert payload("article") == example("POST", "/articles", "201")
    assert payload("user_me") == example("GET", "/users/me", "200")


def test_the_article_listing_matches_the_article_index_schema() -> None:
    assert (
        DOC.response_errors("GET", "/articles/me/all", 200, payload("articles_me_all"))
        == []
    )
    broken = payload("articles_me_all")
    del broken[0]["title"]
    assert DOC.response_errors("GET", "/articles/me/all", 200, broken) != []


def test_the_error_bodies_the_fakes_send_are_the_documented_ones() -> None:
    assert example("POST", "/articles", "401") == {
        "error": "unauthorized",
        "status": 401,
    }
    assert example("POST", "/articles", "422")["status"] == 422
