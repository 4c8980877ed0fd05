"""Postiz's `wordpress` channels: the importer finds our account by its login and maps the
WordpressDto settings that have a meaning here."""

from __future__ import annotations

from platforms.models import PlatformAccount
from postiz import mapping
from postiz.importer import match_account
from tests.conftest import Persona


def test_postiz_settings_map_to_wordpress_options() -> None:
    settings = {
        "title": "Hello",
        "type": "post",  # a post type: only posts here
        "main_image": {"id": "x", "path": "https://cdn.example.com/a.png"},
        "status": "draft",
        "categories": [3],
        "tags": [5, 8],
    }
    assert mapping.options_for("wordpress", settings) == {
        "title": "Hello",
        "status": "draft",
        "categories": [3],
        "tags": [5, 8],
    }
    assert mapping.identifier("wordpress") == mapping.platform_for("wordpress")


def test_a_postiz_channel_finds_the_account_by_its_login(
    owner: Persona, account: PlatformAccount
) -> None:
    channel = {"identifier": "wordpress", "profile": "e2e-admin"}
    assert match_account(owner.workspace, channel) == account
