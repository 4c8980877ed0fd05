"""`import_postiz` moves Postiz channels of Reddit, Lemmy and Nostr, with their settings.

Postiz's Reddit and Lemmy settings are a list of `{value: {...}}` entries (spec/postiz-compat.md
§5.11); the first becomes the target's options. Nostr has no settings.
"""

from __future__ import annotations

import json

import pytest

from platforms.base import ConnectedAccount
from platforms.services import store_connected
from postiz.models import PostizPost
from tests.conftest import Persona
from tests.platforms.lemmy.conftest import connect_lemmy
from tests.platforms.nostr.conftest import PUBKEY, SECRET_HEX
from tests.platforms.reddit.conftest import connect_reddit
from tests.postiz.test_import import FakePostiz, integration, postiz, remote_post, run

__all__ = ["postiz"]  # the fixture, imported to be used here

pytestmark = pytest.mark.django_db


def test_reddit_lemmy_and_nostr_channels_move_with_their_settings(
    owner: Persona, postiz: FakePostiz
) -> None:
    reddit, lemmy = connect_reddit(owner), connect_lemmy(owner)
    nostr, _ = store_connected(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="nostr",
        connected=ConnectedAccount(
            external_id=PUBKEY,
            display_name="npub1…",
            credentials={"privateKey": SECRET_HEX},
            metadata={"pubkey": PUBKEY, "relays": ["wss://relay.example.com"]},
        ),
    )
    postiz.integrations = [
        integration("int-r", "reddit", "spez_bot"),
        integration("int-l", "lemmy", "alice"),
        integration("int-n", "nostr", PUBKEY),
    ]
    reddit_settings = {
        "__type": "reddit",
        "subreddit": [
            {
                "value": {
                    "subreddit": "test",
                    "title": "From Postiz",
                    "type": "self",
                    "url": "",
                    "is_flair_required": True,
                    "flair": {"id": "f1a2", "name": "News"},
                }
            }
        ],
    }
    lemmy_settings = {
        "__type": "lemmy",
        "subreddit": [
            {
                "value": {
                    "subreddit": "technology",
                    "id": "7",
                    "title": "From Postiz",
                    "url": "",
                }
            }
        ],
    }
    postiz.posts = [
        remote_post("pr", "int-r", "reddit", settings=json.dumps(reddit_settings)),
        remote_post("pl", "int-l", "lemmy", settings=json.dumps(lemmy_settings)),
        remote_post("pn", "int-n", "nostr", settings=json.dumps({"__type": "nostr"})),
    ]

    output = run()

    assert output.splitlines()[-1] == "3 imported", output
    targets = {m.source_id: m.target for m in PostizPost.objects.all()}
    assert targets["pr"].account_id == reddit.pk
    assert targets["pr"].options == {
        "subreddit": "test",
        "title": "From Postiz",
        "kind": "self",
        "flair_id": "f1a2",
        "flair_text": "News",
    }
    assert targets["pl"].account_id == lemmy.pk
    assert targets["pl"].options == {
        "community": "technology",
        "title": "From Postiz",
    }
    assert targets["pn"].account_id == nostr.pk
    assert targets["pn"].text == "Hello from Postiz"
