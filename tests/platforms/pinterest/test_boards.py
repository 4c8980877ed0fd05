"""The Pinterest board helpers of spec/api.md §10.7: list, create (upsert), default board."""

from __future__ import annotations

import json

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.platforms.mastodon.conftest import connect_mastodon
from tests.platforms.pinterest.conftest import (
    answer,
    checked_json,
    checked_query,
    payload,
)


def boards_url(account: PlatformAccount) -> str:
    return f"/v1/accounts/{account.pk}/pinterest/boards"


def default_url(account: PlatformAccount) -> str:
    return f"/v1/accounts/{account.pk}/pinterest/default-board"


def patch_json(persona: Persona, url: str, body: dict):
    return persona.client.patch(
        url, data=json.dumps(body), content_type="application/json"
    )


def test_boards_are_listed_with_the_default(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "GET", "/boards", payload("boards"))
    response = owner.client.get(boards_url(account))
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {"id": "549755885175", "name": "Summer recipes", "privacy": "PUBLIC"},
            {"id": "549755885176", "name": "Workshop", "privacy": "SECRET"},
        ],
        "defaultBoardId": "549755885175",
    }
    assert checked_query(upstream.calls[0], "GET", "/boards") == {"page_size": "100"}


def test_a_board_is_created_and_made_the_default(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "POST", "/boards", payload("board"), status=201)
    response = post_json(
        owner.client,
        boards_url(account),
        {
            "name": "Launch day",
            "description": "Everything we shipped",
            "privacy": "PUBLIC",
            "setAsDefault": True,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "id": "549755885177",
        "name": "Launch day",
        "privacy": "PUBLIC",
        "existing": False,
        "defaultBoardId": "549755885177",
        "defaultBoardName": "Launch day",
    }
    assert checked_json(upstream.calls[0], "POST", "/boards") == {
        "name": "Launch day",
        "description": "Everything we shipped",
        "privacy": "PUBLIC",
    }
    account.refresh_from_db()
    assert account.metadata["defaultBoardId"] == "549755885177"


def test_a_duplicate_name_with_upsert_returns_the_existing_board(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "POST", "/boards", payload("error_board_duplicate"), status=409)
    answer(upstream, "GET", "/boards", payload("boards"))
    response = post_json(
        owner.client, boards_url(account), {"name": "Workshop", "upsert": True}
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": "549755885176",
        "name": "Workshop",
        "privacy": "SECRET",
        "existing": True,
    }
    account.refresh_from_db()
    assert account.metadata["defaultBoardId"] == "549755885175"  # unchanged


def test_a_duplicate_without_upsert_is_rejected(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "POST", "/boards", payload("error_board_duplicate"), status=409)
    response = post_json(owner.client, boards_url(account), {"name": "Workshop"})
    assert response.status_code == 502
    error = error_of(response)
    assert error["code"] == "platform_rejected"
    assert error["platformResponse"] == payload("error_board_duplicate")


def test_an_upsert_whose_board_cannot_be_found_is_a_ghost(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "POST", "/boards", payload("error_board_duplicate"), status=409)
    answer(upstream, "GET", "/boards", payload("boards"))
    response = post_json(
        owner.client, boards_url(account), {"name": "Elsewhere", "upsert": True}
    )
    assert (response.status_code, error_of(response)["rule"]) == (
        502,
        "pinterest.board.upsert_ghost",
    )


def test_board_fields_are_validated_before_any_call(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    for body in (
        {"name": ""},
        {"name": "x" * 181},
        {"name": "ok", "description": "d" * 501},
        {"name": "ok", "privacy": "FRIENDS"},
    ):
        response = post_json(owner.client, boards_url(account), body)
        assert response.status_code == 400, body
        assert error_of(response)["code"] == "validation_failed"


def test_the_default_board_is_set_from_the_account_boards(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "GET", "/boards", payload("boards"))
    response = patch_json(owner, default_url(account), {"boardId": "549755885176"})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": str(account.pk),
        "defaultBoardId": "549755885176",
        "defaultBoardName": "Workshop",
    }
    account.refresh_from_db()
    assert account.metadata["defaultBoardName"] == "Workshop"


def test_an_unknown_default_board_is_not_found(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "GET", "/boards", payload("boards"))
    response = patch_json(owner, default_url(account), {"boardId": "1"})
    assert (response.status_code, error_of(response)["rule"]) == (
        404,
        "pinterest.board.unknown",
    )


def test_another_workspace_account_is_not_found(
    outsider: Persona, account: PlatformAccount, upstream
) -> None:
    assert outsider.client.get(boards_url(account)).status_code == 404
    response = patch_json(outsider, default_url(account), {"boardId": "549755885176"})
    assert error_of(response)["code"] == "not_found"


def test_a_non_pinterest_account_is_a_platform_mismatch(
    owner: Persona, upstream
) -> None:
    mastodon = connect_mastodon(owner)
    response = owner.client.get(boards_url(mastodon))
    assert (response.status_code, error_of(response)["rule"]) == (
        400,
        "platform.mismatch",
    )


def test_an_expired_token_surfaces_as_auth_failed(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    answer(upstream, "GET", "/boards", payload("error_401"), status=401)
    response = owner.client.get(boards_url(account))
    assert (response.status_code, error_of(response)["code"]) == (
        401,
        "platform_auth_failed",
    )
