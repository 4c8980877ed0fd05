"""`import_postiz` moves Postiz's DEV and Tumblr channels, with DEV's article settings."""

from __future__ import annotations

import json

import pytest

from postiz import mapping
from posts.models import PostTarget
from tests.conftest import Persona
from tests.platforms.devto.conftest import connect_devto
from tests.platforms.tumblr.conftest import connect_tumblr
from tests.postiz.test_import import FakePostiz, integration, postiz, remote_post, run

pytestmark = pytest.mark.django_db
__all__ = ["postiz"]  # the fixture, used by name


def test_the_identifiers_are_our_slugs() -> None:
    for slug in ("devto", "tumblr"):
        assert mapping.platform_for(slug) == mapping.identifier(slug) == slug


def test_channels_are_matched_and_the_article_settings_kept(
    owner: Persona, postiz: FakePostiz
) -> None:
    devto = connect_devto(owner)
    tumblr = connect_tumblr(owner)
    postiz.integrations = [
        integration("int-d", "devto", "username480"),
        integration("int-t", "tumblr", "derekg"),
    ]
    devto_settings = {
        "__type": "devto",
        "title": "Hello from Postiz",
        "canonical": "https://blog.example.com/hello",
        "tags": [{"value": "python", "label": "python"}],
    }
    postiz.posts = [
        remote_post("p-d", "int-d", "devto", settings=json.dumps(devto_settings)),
        remote_post(
            "p-t", "int-t", "tumblr", settings=json.dumps({"__type": "tumblr"})
        ),
    ]

    output = run()

    targets = {t.account_id: t for t in PostTarget.objects.all()}
    assert set(targets) == {devto.pk, tumblr.pk}, output
    assert targets[devto.pk].options["title"] == "Hello from Postiz"
    assert (
        targets[devto.pk].options["canonical_url"] == "https://blog.example.com/hello"
    )
    assert "tags" not in targets[devto.pk].options
    assert targets[tumblr.pk].text == "Hello from Postiz"
