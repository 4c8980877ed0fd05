"""Webhook endpoints through the SDK, and `letmepost.webhooks.verify` on real signed deliveries
received by a loopback server."""

from __future__ import annotations

import json
import time

import pytest
from support import Received, ScriptedServer, scripted_server

from letmepost import Letmepost, webhooks

ACCEPT = (200, {"Content-Type": "text/plain"}, b"ok")


def wait_for(fake: ScriptedServer, event_type: str, timeout: float = 20) -> Received:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for request in list(fake.received):
            if request.headers.get("X-Letmepost-Event") == event_type:
                return request
        time.sleep(0.2)
    raise AssertionError(f"no {event_type} delivery within {timeout} s")


def test_test_delivery_verifies_and_tampering_does_not(lmp: Letmepost) -> None:
    with scripted_server([ACCEPT]) as fake:
        endpoint = lmp.webhooks.create(
            url=fake.url + "/hook", events=["post.published"]
        )
        secret = endpoint["signingSecret"]
        assert secret.startswith("whsec_")

        result = lmp.webhooks.test(endpoint["id"])

        assert result["delivered"] is True and result["status"] == 200
        (request,) = fake.received
    event = webhooks.verify(request.body, request.headers, secret)
    assert event["id"] == result["sentEvent"]["id"]
    assert event["type"] == "post.published"

    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(request.body + b" ", request.headers, secret)
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(request.body, request.headers, secret + "x")
    # the reference's header alone (no timestamped V2) verifies too
    v1_only = {
        k: v
        for k, v in request.headers.items()
        if k.lower() != "x-letmepost-signature-v2"
    }
    assert webhooks.verify(request.body, v1_only, secret)["id"] == event["id"]
    # a captured delivery replayed after the tolerance window is refused
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(request.body, request.headers, secret, now=time.time() + 3600)
    lmp.webhooks.delete(endpoint["id"])


def test_lifecycle_event_deliveries_and_replay(lmp: Letmepost, server) -> None:
    with scripted_server([ACCEPT]) as fake:
        endpoint = lmp.webhooks.create(
            url=fake.url + "/events", events=["post.published"]
        )
        published = lmp.posts.create(targets=[server.account_id], text="signed event")
        post_id = published["results"][0]["postId"]

        request = wait_for(fake, "post.published")
        event = webhooks.verify(
            request.body, request.headers, endpoint["signingSecret"]
        )
        assert event["data"]["id"] == post_id
        assert json.loads(request.body) == event

        deliveries = list(lmp.iter_webhook_deliveries(endpoint["id"], page_size=1))
        assert event["id"] in {d["eventId"] for d in deliveries}

        replay = lmp.webhooks.replay(endpoint["id"], event["id"])
        assert replay["eventId"] == event["id"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            same = [
                r
                for r in fake.received
                if r.headers.get("X-Letmepost-Event-Id") == event["id"]
            ]
            if len(same) >= 2:
                break
            time.sleep(0.2)
        assert len(same) >= 2, "the replay was not delivered"
        assert (
            webhooks.verify(same[-1].body, same[-1].headers, endpoint["signingSecret"])[
                "id"
            ]
            == event["id"]
        )

    rotated = lmp.webhooks.rotate_secret(endpoint["id"])
    assert rotated["signingSecret"] != endpoint["signingSecret"]
    paused = lmp.webhooks.update(endpoint["id"], active=False, description="paused")
    assert paused["active"] is False and paused["description"] == "paused"
    assert lmp.webhooks.get(endpoint["id"])["active"] is False
    assert endpoint["id"] in {w["id"] for w in lmp.webhooks.list()}
    assert lmp.webhooks.delete(endpoint["id"])["deleted"] is True
