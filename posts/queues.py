"""Posting queues: a profile's weekly slots, which of them are taken, and taking the next one.

A slot instant is taken by a target of the profile scheduled in that minute that is still going
out or went out (queued, publishing, published), in the caller's mode (a test post never holds
a live slot). Canceling, failing or rejecting a target frees its slot. `take_next_slot` runs in
the post's own write transaction with the queue row locked, so concurrent requests are served
one after another and each sees the slots the others took.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from letmepost.errors import ValidationFailed
from posts.models import PostingQueue, PostTarget
from posts.queue_slots import Slot, expand, parse_slots, parse_timezone, stored_slots
from posts.requests import PostRequest

TAKING = (
    PostTarget.Status.QUEUED,
    PostTarget.Status.PUBLISHING,
    PostTarget.Status.PUBLISHED,
)
WINDOW = timedelta(days=7)
HORIZON = timedelta(days=366)  # how far ahead a free slot is looked for


@dataclass(frozen=True)
class Queue:
    """A profile's queue as the code reads it."""

    profile_id: UUID
    zone: ZoneInfo
    slots: list[Slot]

    @classmethod
    def of(cls, row: PostingQueue) -> Queue:
        return cls(row.profile_id, ZoneInfo(row.timezone), stored_slots(row.slots))

    def as_dict(self) -> dict[str, object]:
        return {"timezone": self.zone.key, "slots": [s.as_dict() for s in self.slots]}


@dataclass(frozen=True)
class Filled:
    """One upcoming slot instant and the targets scheduled in its minute."""

    at: datetime
    slot: Slot
    targets: list[PostTarget]


def get_queue(profile: Profile) -> Queue:
    """The profile's queue; a profile that never set one has an empty queue in UTC."""
    row = PostingQueue.objects.filter(profile=profile).first()
    return Queue.of(row) if row else Queue(profile.pk, ZoneInfo("UTC"), [])


def set_queue(
    profile: Profile, timezone_name: str, slots: list[dict[str, str]]
) -> Queue:
    """Replace the profile's queue (validated: `queue.timezone.unknown`, `queue.slots.*`)."""
    zone = parse_timezone(timezone_name)
    parsed = parse_slots(slots)
    row, _ = PostingQueue.objects.update_or_create(
        profile=profile,
        defaults={"timezone": zone.key, "slots": [s.as_dict() for s in parsed]},
    )
    return Queue.of(row)


def require_slots(profile_id: UUID) -> None:
    """Refuse a queued post for a profile whose queue has no slots (checked before storing)."""
    row = PostingQueue.objects.filter(profile_id=profile_id).first()
    if row is None or not row.slots:
        raise _empty(profile_id)


def profile_to_fill(request: PostRequest, profile_ids: set[UUID]) -> UUID:
    """The profile whose next slot a `next_slot` request takes: its targets' one profile."""
    if request.draft:
        raise ValidationFailed(
            "A draft is not queued: send draft alone.",
            rule="draft.mode_conflict",
            remediation='Drop "scheduledAt": "next_slot" to save a draft.',
        )
    if request.publish_now or request.scheduled_at:
        raise ValidationFailed(
            "Send either publishNow or a scheduledAt (a time or next_slot), not both.",
            rule="mode_conflict",
            remediation='Send "scheduledAt": "next_slot" alone to take the next slot.',
        )
    if len(profile_ids) != 1:
        raise ValidationFailed(
            "The targets belong to several profiles, each with its own queue.",
            rule="queue.profile_ambiguous",
            remediation="Send one request per profile, each with its own accounts.",
        )
    [profile_id] = profile_ids
    require_slots(profile_id)
    return profile_id


def take_next_slot(profile_id: UUID, *, livemode: bool, lead: timedelta) -> datetime:
    """The first free slot instant at least `lead` from now, for a post being stored.

    Must run inside the post's write transaction: the queue row is locked (SELECT … FOR UPDATE
    on PostgreSQL; SQLite's single writer already serialises the transaction) until it commits.
    """
    assert transaction.get_connection().in_atomic_block, "inside the post's transaction"
    row = PostingQueue.objects.select_for_update().filter(profile_id=profile_id).first()
    queue = Queue.of(row) if row else None
    if queue is None or not queue.slots:
        raise _empty(profile_id)
    start = timezone.now() + lead
    for filled in upcoming(queue, livemode=livemode, start=start, end=start + HORIZON):
        if not filled.targets:
            return filled.at
    raise ValidationFailed(
        "Every slot of the profile's queue is taken for the next year.",
        rule="queue.full",
        remediation="Add slots to the queue (PUT /v1/profiles/{id}/queue), or send scheduledAt.",
    )


def next_free_slot(queue: Queue, *, livemode: bool) -> datetime | None:
    """The first free slot from now on, without taking it (Postiz find-slot)."""
    now = timezone.now()
    return next(
        (
            f.at
            for f in upcoming(queue, livemode=livemode, start=now, end=now + HORIZON)
            if not f.targets
        ),
        None,
    )


def upcoming(
    queue: Queue, *, livemode: bool, start: datetime, end: datetime
) -> Iterator[Filled]:
    """The slot instants in `[start, end)` with what fills them, one query per week read:
    the first free slot is usually in the first week."""
    low = start
    while low < end:
        high = min(low + WINDOW, end)
        instants = list(expand(queue.slots, queue.zone, low, high))
        if instants:
            taken = _taken(queue.profile_id, livemode, low, high)
            for at, slot in instants:
                yield Filled(at, slot, taken.get(at, []))
        low = high


def _taken(
    profile_id: UUID, livemode: bool, low: datetime, high: datetime
) -> dict[datetime, list[PostTarget]]:
    """Targets holding a slot in `[low, high + 1 min)`, by the minute they are scheduled in."""
    found: dict[datetime, list[PostTarget]] = {}
    targets = PostTarget.objects.filter(
        profile_id=profile_id,
        livemode=livemode,
        status__in=TAKING,
        scheduled_at__gte=low,
        scheduled_at__lt=high + timedelta(minutes=1),
    ).order_by("scheduled_at", "post_id", "position")
    for target in targets.only("id", "post_id", "status", "scheduled_at"):
        assert target.scheduled_at is not None
        minute = target.scheduled_at.replace(second=0, microsecond=0)
        found.setdefault(minute, []).append(target)
    return found


def _empty(profile_id: UUID) -> ValidationFailed:
    return ValidationFailed(
        "The profile's queue has no slots, so there is no next slot to take.",
        rule="queue.empty",
        remediation=f"Set the queue's slots with PUT /v1/profiles/{profile_id}/queue, "
        "or send scheduledAt.",
    )
