"""`/v1/accounts/<id>/pinterest/...`, mounted by platforms/api/urls.py (declared `account_urls`)."""

from django.urls import path

from platforms.pinterest import api

urlpatterns = [
    path("boards", api.PinterestBoardsApi.as_view(), name="pinterest-boards"),
    path(
        "default-board",
        api.PinterestDefaultBoardApi.as_view(),
        name="pinterest-default-board",
    ),
]
