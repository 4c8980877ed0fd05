"""`/v1/profiles/{id}/queue` (a profile's weekly slots) and `/v1/queue` (the upcoming slots)."""

from __future__ import annotations

from datetime import timedelta
from itertools import islice
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.views import changeable_profile, visible_profile
from accounts.models import Profile
from accounts.services import get_default_profile
from letmepost.api.views import ApiView
from letmepost.errors import ValidationFailed
from posts import queues
from posts.api.queue_serializers import ProfileQueueIO, QueueEntryOut, QueueListingOut

QUEUE_PARAMS = frozenset({"profileId", "days", "limit"})


@extend_schema(tags=["queues"])
class ProfileQueueApi(ApiView):
    @extend_schema(operation_id="getProfileQueue", responses={200: ProfileQueueIO})
    def get(self, request: Request, profile_id: str) -> Response:
        """Get a profile's queue.

        The profile's weekly posting slots and the IANA time zone they are read in; a profile that
        never set a queue has no slots, in UTC.
        """
        profile = visible_profile(self.principal, profile_id)
        return Response(queues.get_queue(profile).as_dict())

    @extend_schema(
        operation_id="setProfileQueue",
        request=ProfileQueueIO,
        responses={200: ProfileQueueIO},
    )
    def put(self, request: Request, profile_id: str) -> Response:
        """Set a profile's queue.

        Replaces the profile's weekly slots. Weekdays are `monday` … `sunday`, times `HH:MM` on the
        time zone's wall clock; each weekday and time once. A time skipped by a daylight-saving
        change takes the offset before it (02:30 becomes 03:30); a repeated hour is taken once, at
        its first occurrence. Posts created with `"scheduledAt": "next_slot"` take the next free
        slot.
        """
        # A test key changes only the queue of a profile nothing live depends on (D23).
        profile = changeable_profile(self.principal, profile_id)
        data = self.validated(ProfileQueueIO)
        queue = queues.set_queue(profile, data["timezone"], data["slots"])
        return Response(queue.as_dict())


@extend_schema(tags=["queues"])
class QueueApi(ApiView):
    @extend_schema(
        operation_id="listQueue",
        parameters=[
            OpenApiParameter(
                "profileId",
                OpenApiTypes.UUID,
                description="Default: the key's profile, else the workspace's default profile.",
            ),
            OpenApiParameter(
                "days", {"type": "integer", "minimum": 1, "maximum": 90, "default": 14}
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
            ),
        ],
        responses={200: QueueListingOut},
    )
    def get(self, request: Request) -> Response:
        """List a profile's upcoming slots.

        The profile's slot instants from now on (the next `days`, at most `limit`), each with the
        posts that hold it; a free slot has none. Canceled, failed and rejected posts free their
        slot.
        """
        params = request.query_params
        if unknown := sorted(set(params) - QUEUE_PARAMS):
            raise _invalid("query.unknown", f"Unknown query parameter(s): {unknown}.")
        profile = self._profile(params.get("profileId"))
        days = _int_param(params, "days", 14, 90)
        limit = _int_param(params, "limit", 100, 500)
        queue = queues.get_queue(profile)
        now = timezone.now()
        entries = islice(
            queues.upcoming(
                queue,
                livemode=self.principal.livemode,
                start=now,
                end=now + timedelta(days=days),
            ),
            limit,
        )
        rows = [
            {
                **e.slot.as_dict(),
                "at": e.at,
                "posts": [{"id": t.pk, "status": t.status} for t in e.targets],
            }
            for e in entries
        ]
        return Response(
            {
                "profile_id": str(profile.pk),
                "timezone": queue.zone.key,
                "data": QueueEntryOut(rows, many=True).data,
            }
        )

    def _profile(self, profile_id: str | None) -> Profile:
        if profile_id is not None:
            return visible_profile(self.principal, profile_id)
        return self.principal.profile or get_default_profile(
            workspace=self.principal.workspace
        )


def _int_param(params: Any, name: str, default: int, maximum: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not (
        1 <= int(raw) <= maximum
    ):
        raise _invalid(name, f"{name} must be an integer from 1 to {maximum}.")
    return int(raw)


def _invalid(rule: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, rule=rule, remediation="Fix the query parameter named in `rule`."
    )
