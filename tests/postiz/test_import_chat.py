"""`import_postiz` moves Postiz's Discord, Slack and Telegram channels, with their settings."""

from __future__ import annotations

import json

import pytest

from postiz import mapping
from posts.models import PostTarget
from tests.conftest import Persona
from tests.platforms.discord.conftest import connect as connect_discord
from tests.platforms.slack.conftest import connect as connect_slack
from tests.platforms.telegram.conftest import connect as connect_telegram
from tests.postiz.test_import import FakePostiz, integration, postiz, remote_post, run

pytestmark = pytest.mark.django_db
__all__ = ["postiz"]  # the fixture, used by name


def test_the_three_identifiers_are_our_slugs() -> None:
    for slug in ("discord", "slack", "telegram"):
        assert mapping.platform_for(slug) == mapping.identifier(slug) == slug


def test_chat_channels_are_matched_and_their_channel_setting_kept(
    owner: Persona, postiz: FakePostiz
) -> None:
    discord = connect_discord(owner, mode="bot")
    slack = connect_slack(owner)
    telegram = connect_telegram(owner)
    postiz.integrations = [
        integration("int-d", "discord", "#announcements"),
        integration("int-s", "slack", "T9TK3CUKW"),
        integration("int-t", "telegram", "releasenotes"),
    ]
    postiz.posts = [
        remote_post(
            "p-d",
            "int-d",
            "discord",
            settings=json.dumps(
                {"__type": "discord", "channel": "1199020377051824212"}
            ),
        ),
        remote_post(
            "p-s",
            "int-s",
            "slack",
            settings=json.dumps({"__type": "slack", "channel": "C0RELEASES"}),
        ),
        remote_post(
            "p-t", "int-t", "telegram", settings=json.dumps({"__type": "telegram"})
        ),
    ]

    output = run()

    targets = {t.account_id: t for t in PostTarget.objects.all()}
    assert set(targets) == {discord.pk, slack.pk, telegram.pk}, output
    assert targets[discord.pk].options["channel_id"] == "1199020377051824212"
    assert targets[slack.pk].options["channel"] == "C0RELEASES"
    assert targets[telegram.pk].text == "Hello from Postiz"
