"""Pinterest board helpers (spec/api.md §10.7): list, create (upsert), choose the default board.

The default board lives in the account's metadata (`defaultBoardId`, `defaultBoardName`); it is
written under the account's row lock so a concurrent reconnect or refresh cannot lose it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from letmepost.errors import NotFound, PlatformRejected, ValidationFailed
from platforms.models import PlatformAccount
from platforms.pinterest.client import BOARD_DUPLICATE_CODE, PLATFORM, PinterestClient
from platforms.versions import pinned_label

BOARDS_LISTED = 100  # list and default-board lookups scan this many
UPSERT_SCAN = 250  # a duplicate name is looked for among this many


def require_pinterest(account: PlatformAccount) -> None:
    if account.platform != PLATFORM:
        raise ValidationFailed(
            f"Account {account.pk} is on {account.platform}, not Pinterest.",
            rule="platform.mismatch",
            remediation="Use the id of a connected Pinterest account.",
        )


def client_for(account: PlatformAccount) -> PinterestClient:
    return PinterestClient(
        str(account.credentials.get("accessToken", "")),
        version=pinned_label(PLATFORM),
    )


def board_out(board: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(board["id"]),
        "name": board.get("name", ""),
        "privacy": board.get("privacy"),
    }


def list_boards(account: PlatformAccount) -> dict[str, Any]:
    require_pinterest(account)
    boards = client_for(account).all_boards(BOARDS_LISTED)
    return {
        "data": [board_out(b) for b in boards],
        "default_board_id": account.metadata.get("defaultBoardId"),
    }


def store_default_board(account: PlatformAccount, board: dict[str, Any]) -> None:
    with transaction.atomic():
        locked = PlatformAccount.objects.select_for_update().get(pk=account.pk)
        locked.metadata = {
            **locked.metadata,
            "defaultBoardId": str(board["id"]),
            "defaultBoardName": board.get("name", ""),
        }
        locked.save(update_fields=["metadata", "updated_at"])
    account.metadata = locked.metadata


def set_default_board(account: PlatformAccount, board_id: str) -> dict[str, Any]:
    require_pinterest(account)
    boards = client_for(account).all_boards(BOARDS_LISTED)
    board = next((b for b in boards if str(b["id"]) == board_id), None)
    if board is None:
        raise NotFound(
            f"Board {board_id} is not among this account's first {BOARDS_LISTED} boards.",
            resource="board",
            rule="pinterest.board.unknown",
            remediation="Pick an id from GET /v1/accounts/{id}/pinterest/boards.",
        )
    store_default_board(account, board)
    return {
        "id": str(account.pk),
        "default_board_id": str(board["id"]),
        "default_board_name": board.get("name", ""),
    }


def _duplicate(exc: PlatformRejected) -> bool:
    body = exc.fields.get("platform_response")
    return isinstance(body, dict) and body.get("code") == BOARD_DUPLICATE_CODE


def create_board(
    account: PlatformAccount,
    *,
    name: str,
    description: str | None = None,
    privacy: str | None = None,
    set_as_default: bool = False,
    upsert: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Create a board (or, with `upsert`, find the existing one by name); True when created."""
    require_pinterest(account)
    client = client_for(account)
    body: dict[str, Any] = {"name": name}
    if description:
        body["description"] = description
    if privacy:
        body["privacy"] = privacy
    try:
        board, created = client.create_board(body), True
    except PlatformRejected as exc:
        if not (upsert and type(exc) is PlatformRejected and _duplicate(exc)):
            raise
        found = next(
            (b for b in client.all_boards(UPSERT_SCAN) if b.get("name") == name), None
        )
        if found is None:
            raise PlatformRejected(
                f"Pinterest says a board named {name!r} exists, but it is not among the "
                f"account's first {UPSERT_SCAN} boards.",
                **client.fields(
                    platform_response=exc.fields.get("platform_response"),
                    rule="pinterest.board.upsert_ghost",
                ),
                remediation="Choose another board name.",
            ) from exc
        board, created = found, False
    out = {**board_out(board), "existing": not created}
    if set_as_default:
        store_default_board(account, board)
        out |= {
            "default_board_id": str(board["id"]),
            "default_board_name": board.get("name", ""),
        }
    return out, created
