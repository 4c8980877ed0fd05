"""Posts: a batch (one create request) fans out to one target row per account.

A PostTarget is what the API calls a "post": it has its own id, status and attempts. The table
is also the schedule: a target is due when it is `queued` and `due_at` has passed. A `draft`
target is stored work in progress: the engine never looks at it until it is promoted.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from letmepost.ids import uuid7


class Post(models.Model):
    """One `POST /v1/posts` request."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="posts"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    livemode = models.BooleanField(default=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"post batch {self.pk}"


class PostTarget(models.Model):
    class Status(models.TextChoices):
        DRAFT = (
            "draft"  # saved, never dispatched until promoted (scheduled or published)
        )
        QUEUED = "queued"
        VALIDATED = "validated"  # reserved by the contract; never written
        PUBLISHING = "publishing"
        PUBLISHED = "published"
        FAILED = "failed"
        REJECTED = "rejected"
        CANCELED = "canceled"

    TERMINAL = (Status.PUBLISHED, Status.FAILED, Status.REJECTED, Status.CANCELED)

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="targets"
    )
    platform = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField()
    livemode = models.BooleanField(default=True)

    text = models.TextField()
    media = models.JSONField(
        default=list, blank=True
    )  # mediaRefs as submitted, never inline bytes
    first_comment = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)
    sandbox = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    due_at = (
        models.DateTimeField()
    )  # next time the dispatcher may take it (schedule or retry)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    lease_owner = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    published_at = models.DateTimeField(null=True, blank=True)
    platform_uri = models.CharField(max_length=1024, blank=True)
    platform_cid = models.CharField(max_length=255, blank=True)
    # How many ThreadItem rows follow the first post (thread items, then the first comment): 0
    # for a plain post, so the engine reads that table only for targets that have some.
    reply_count = models.PositiveSmallIntegerField(default=0)
    first_comment_uri = models.CharField(max_length=1024, blank=True)
    first_comment_cid = models.CharField(max_length=255, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="queued"), name="target_due_idx"
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status="publishing"),
                name="target_lease_idx",
            ),
            models.Index(
                fields=["workspace", "-created_at", "-id"], name="target_log_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "position"], name="target_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} target {self.pk} ({self.status})"


class PublishAttempt(models.Model):
    """One try at publishing a target, written before the upstream call."""

    class Outcome(models.TextChoices):
        PENDING = "pending"  # still running, or the worker died: outcome unknown
        UNKNOWN = "unknown"  # sent, no answer: reconciled before anything is sent again
        PUBLISHED = "published"
        RECONCILED = "reconciled"  # an earlier attempt had landed; found by the idempotency token
        REJECTED = "rejected"
        RETRY = "retry"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    target = models.ForeignKey(
        PostTarget, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    worker = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    platform_response = models.JSONField(null=True, blank=True)
    # A rate-limited attempt: the seconds the platform asked to wait (at most 2**63 - 1 is kept)
    # and the seconds waited, capped at PUBLISH_RETRY_AFTER_MAX_SECONDS (posts.dispatch).
    requested_retry_after = models.PositiveBigIntegerField(null=True, blank=True)
    retry_after = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "number"], name="attempt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.target_id}: {self.outcome}"


class ThreadItem(models.Model):
    """One post after a target's first: a thread item (a reply to the previous post) or the
    first comment (a reply to, or comment on, the first post), published in `position` order.

    Each is its own attempt: its row is set `publishing` (and committed) before the platform
    call, under the target's lease, with the stable token `<target id>.<position + 1>`
    (`posts.threads.item_token`); a row left `publishing` or `unknown` is reconciled with the
    platform before it is sent again.
    """

    class Kind(models.TextChoices):
        ITEM = "item"
        COMMENT = "comment"

    class Status(models.TextChoices):
        PENDING = "pending"
        PUBLISHING = "publishing"  # sent or about to be: reconciled before a resend
        UNKNOWN = "unknown"  # sent, no answer
        PUBLISHED = "published"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    target = models.ForeignKey(
        PostTarget, on_delete=models.CASCADE, related_name="replies"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ITEM)
    text = models.TextField()
    media = models.JSONField(default=list, blank=True)  # mediaRefs, as PostTarget.media
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    uri = models.CharField(max_length=1024, blank=True)
    cid = models.CharField(max_length=255, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.JSONField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "position"], name="thread_item_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.position} of {self.target_id} ({self.status})"


class PostingQueue(models.Model):
    """A profile's weekly posting times, read in its IANA time zone (posts.queues).

    `slots` is a sorted list of `{"weekday": "monday", "time": "09:30"}`, validated by
    `posts.queue_slots.parse_slots` before it is stored. The row is also the lock that makes
    taking the next free slot atomic on PostgreSQL.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    profile = models.OneToOneField(
        "accounts.Profile", on_delete=models.CASCADE, related_name="posting_queue"
    )
    timezone = models.CharField(max_length=64)
    slots = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"queue of profile {self.profile_id}"
