"""`/v1/accounts/{id}/pinterest/...`: the board helpers of spec/api.md §10.7."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from letmepost.api.views import ApiView
from platforms import selectors
from platforms.api.serializers import TextField
from platforms.models import PlatformAccount
from platforms.pinterest import boards

PRIVACY = ("PUBLIC", "PROTECTED", "SECRET")


@extend_schema_serializer(component_name="CreatePinterestBoard")
class BoardIn(serializers.Serializer):
    name = TextField(min_length=1, max_length=180)
    description = TextField(
        required=False, allow_blank=True, allow_null=True, max_length=500
    )
    privacy = serializers.ChoiceField(choices=PRIVACY, required=False)
    set_as_default = serializers.BooleanField(required=False, default=False)
    upsert = serializers.BooleanField(required=False, default=False)


@extend_schema_serializer(component_name="SetPinterestDefaultBoard")
class DefaultBoardIn(serializers.Serializer):
    board_id = TextField(min_length=1, max_length=64)


@extend_schema_serializer(component_name="PinterestBoard")
class BoardOut(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    privacy = serializers.CharField(allow_null=True)


_BoardList = inline_serializer(
    "PinterestBoardList",
    fields={
        "data": BoardOut(many=True),
        "defaultBoardId": serializers.CharField(allow_null=True),
    },
)


# The board, whether it already existed (upsert), and the new default when it was set
# (camelCase: the wire names).
@extend_schema_serializer(component_name="PinterestBoardCreated")  # not its parent's
class PinterestBoardCreated(BoardOut):
    existing = serializers.BooleanField()
    defaultBoardId = serializers.CharField(required=False)
    defaultBoardName = serializers.CharField(required=False)


_DefaultBoard = inline_serializer(
    "PinterestDefaultBoard",
    fields={
        "id": serializers.UUIDField(),
        "defaultBoardId": serializers.CharField(),
        "defaultBoardName": serializers.CharField(),
    },
)


class _AccountView(ApiView):
    def account(self, account_id: str) -> PlatformAccount:
        """The caller's account (another workspace's id is not_found), which must be Pinterest.

        Every board helper calls Pinterest, so none is open to a test key (D23).
        """
        account = selectors.get_account_for_workspace(
            self.principal.workspace, account_id, scope=self.principal.profile
        )
        boards.require_pinterest(account)
        selectors.require_live_for(account.platform, livemode=self.principal.livemode)
        return account


@extend_schema(tags=["accounts"])
class PinterestBoardsApi(_AccountView):
    @extend_schema(operation_id="listPinterestBoards", responses={200: _BoardList})
    def get(self, request: Request, account_id: str) -> Response:
        """List an account's Pinterest boards.

        The boards of a connected Pinterest account, read from Pinterest, with the id of the
        account's default board.
        """
        return Response(boards.list_boards(self.account(account_id)))

    @extend_schema(
        operation_id="createPinterestBoard",
        request=BoardIn,
        responses={200: PinterestBoardCreated, 201: PinterestBoardCreated},
    )
    def post(self, request: Request, account_id: str) -> Response:
        """Create a Pinterest board.

        Creates a board on the connected Pinterest account. With `upsert`, an existing board of the
        same name is answered instead of an error; `setAsDefault` also makes it the board pins go to
        by default.
        """
        account = self.account(account_id)
        data = self.validated(BoardIn)
        out, created = boards.create_board(
            account,
            name=data["name"],
            description=data.get("description"),
            privacy=data.get("privacy"),
            set_as_default=data["set_as_default"],
            upsert=data["upsert"],
        )
        return Response(out, status=201 if created else 200)


@extend_schema(tags=["accounts"])
class PinterestDefaultBoardApi(_AccountView):
    @extend_schema(
        operation_id="setPinterestDefaultBoard",
        request=DefaultBoardIn,
        responses={200: _DefaultBoard},
    )
    def patch(self, request: Request, account_id: str) -> Response:
        """Set the default Pinterest board.

        The board this account's pins go to when a post names none in `options.boardId`.
        """
        account = self.account(account_id)
        data = self.validated(DefaultBoardIn)
        return Response(boards.set_default_board(account, data["board_id"]))
