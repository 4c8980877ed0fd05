"""The embedded runner delivers webhooks on its own pool, from the same tick as publishing."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from letmepost.runner import EmbeddedRunner
from tests.conftest import Persona
from tests.webhooks.conftest import Receiver, make_endpoint
from webhooks.events import emit
from webhooks.models import WebhookDelivery


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hooks")
def test_a_runner_tick_delivers_due_webhooks(
    owner: Persona, receiver: Receiver
) -> None:
    make_endpoint(owner, receiver.url)
    with transaction.atomic():
        event = emit(workspace=owner.workspace, type="post.queued", data={"id": "p"})
    runner = EmbeddedRunner(interval=0.05, workers=1)
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.stop()
    assert receiver.received[0].header("X-Letmepost-Event-Id") == str(event.id)
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SUCCEEDED
