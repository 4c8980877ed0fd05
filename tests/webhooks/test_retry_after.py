"""A receiver's Retry-After is read safely: odd values never crash a delivery (issue #15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import Persona
from tests.webhooks.conftest import Receiver, drain, make_endpoint
from tests.webhooks.test_delivery import queued_event
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.usefixtures("hooks")


def test_a_retry_after_int_cannot_read_is_ignored(
    owner: Persona, receiver: Receiver
) -> None:
    make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(429, Retry_After="²")  # str.isdigit() says yes, int() says no
    queued_event(owner)

    assert drain() == [
        "retry",
        "succeeded",
    ]  # the normal backoff (zero here), then success


def test_a_retry_after_of_5000_digits_is_capped_at_an_hour(
    owner: Persona, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(429, Retry_After="9" * 5000)  # int() refuses over 4,300 digits
    queued_event(owner)

    before = timezone.now()
    assert drain() == ["retry"]

    due = WebhookDelivery.objects.get(endpoint=endpoint).next_attempt_at
    assert before + timedelta(minutes=59) <= due <= timezone.now() + timedelta(hours=1)
