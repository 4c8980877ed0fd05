"""Outbound webhooks: endpoints, the event outbox, and deliveries with every attempt.

The tables are the schedule, as for posts: a delivery is due when it is `pending` and
`next_attempt_at` has passed, and no earlier delivery of the same post to the same endpoint is
still unfinished. Nothing here is ever handed to a broker with a countdown.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import models
from django.db.models import Q

from letmepost.crypto import decrypt, encrypt
from letmepost.ids import uuid7


class WebhookEndpoint(models.Model):
    """A workspace's receiver URL, its event filter and its signing secret (encrypted at rest)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.CharField(max_length=2048)
    events = models.JSONField(default=list, blank=True)  # empty: every type
    description = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True)
    livemode = models.BooleanField(
        default=True
    )  # the mode of the key that made it (D23)
    secret_ciphertext = models.TextField()  # Fernet token of the `whsec_…` string

    last_delivery_at = models.DateTimeField(null=True, blank=True)  # last attempt
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_failure_reason = models.CharField(max_length=500, blank=True)  # "": last ok
    consecutive_failures = models.PositiveIntegerField(default=0)  # failed events
    disabled_at = models.DateTimeField(null=True, blank=True)  # paused automatically
    disabled_reason = models.CharField(max_length=500, blank=True)
    notice = models.JSONField(null=True, blank=True)  # for the dashboard; see disable()

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What delivery keeps up to date: read-only wherever an endpoint is shown.
    HEALTH_FIELDS = (
        "last_delivery_at",
        "last_success_at",
        "last_failure_at",
        "last_failure_reason",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "notice",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"webhook endpoint {self.url}"

    @property
    def secret(self) -> str:
        return decrypt(self.secret_ciphertext)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_ciphertext = encrypt(value)

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class WebhookEvent(models.Model):
    """One event in the outbox, written in the transaction of the state change it reports.

    `body` is the exact JSON sent (and signed) on every attempt to every endpoint, rendered once at
    emit time so retries and replays carry identical bytes. `seq` orders events: deliveries that
    share an `ordering_key` (one post) go out to each endpoint in `seq` order.
    """

    seq = models.BigAutoField(primary_key=True)
    id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(max_length=40)
    body = models.TextField()
    livemode = models.BooleanField(default=True)
    request_id = models.CharField(max_length=255, blank=True)
    ordering_key = models.CharField(max_length=80, blank=True)  # "post:<id>", or ""
    is_test = models.BooleanField(default=False)  # built by POST …/test
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="webhook_event_age_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    @property
    def envelope(self) -> dict[str, Any]:
        # We wrote it: always an object.
        envelope: dict[str, Any] = json.loads(self.body)
        return envelope


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint: up to WEBHOOKS_MAX_ATTEMPTS attempts."""

    class Status(models.TextChoices):
        PENDING = "pending"  # waiting for next_attempt_at
        DELIVERING = "delivering"  # leased by a worker
        SUCCEEDED = "succeeded"
        FAILED = "failed"  # permanent answer, or out of attempts
        CANCELED = "canceled"  # endpoint paused before the attempt

    class Kind(models.TextChoices):
        EVENT = "event"
        REPLAY = "replay"
        TEST = "test"

    UNFINISHED = (Status.PENDING, Status.DELIVERING)

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.EVENT)
    # Copied from the event so the claim query can order one post's deliveries without a join.
    ordering_key = models.CharField(max_length=80, blank=True)
    event_seq = models.BigIntegerField()

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_owner = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due_idx",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status="delivering"),
                name="webhook_delivery_lease_idx",
            ),
            models.Index(
                fields=["endpoint", "ordering_key", "event_seq"],
                condition=Q(status__in=["pending", "delivering"]),
                name="webhook_delivery_order_idx",
            ),
            models.Index(
                fields=["endpoint", "-created_at", "-id"],
                name="webhook_delivery_log_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} of {self.event_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request. Its id is the `X-Letmepost-Delivery-Id` header: new for every attempt."""

    class Outcome(models.TextChoices):
        PENDING = "pending"  # sent, or about to be; the worker stopped if it stays so
        SUCCEEDED = "succeeded"
        RETRY = "retry"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # 0: none
    response_body = models.TextField(blank=True)  # first 2,048 characters
    error_name = models.CharField(max_length=80, blank=True)
    error = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(
        max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhook_attempt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.outcome}"
