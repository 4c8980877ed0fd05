"""Bulk actions on the posts log: each post through its single action's service, each answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letmepost.errors import ValidationFailed
from posts import bulk
from posts.models import PostTarget
from tests.conftest import Persona, connect_sandbox, queue_sandbox
from tests.dashboard.helpers import make_post, session_caller

URL = reverse("posts:bulk")


def outcomes(html: str) -> tuple[int, int]:
    return html.count('data-outcome="done"'), html.count('data-outcome="refused"')


def test_cancel_many_cancels_the_queued_and_refuses_the_published(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    queued = queue_sandbox(owner, "later", 2)
    published = make_post(owner, sandbox, "already out")
    response = owner_client.post(
        URL, {"action": "cancel", "post": [*(t.pk for t in queued), published.pk]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert outcomes(html) == (2, 1)
    assert "2 done, 1 refused" in html
    assert "only queued posts can be changed" in html
    assert set(
        PostTarget.objects.filter(pk__in=[t.pk for t in queued]).values_list(
            "status", flat=True
        )
    ) == {PostTarget.Status.CANCELED}
    published.refresh_from_db()
    assert published.status == PostTarget.Status.PUBLISHED


def test_reschedule_many_moves_each_to_the_viewers_wall_clock(
    owner: Persona, owner_client: Client
) -> None:
    queued = queue_sandbox(owner, "later", 2)
    day = (timezone.now() + timedelta(days=3)).date()
    response = owner_client.post(
        URL,
        {
            "action": "reschedule",
            "post": [t.pk for t in queued],
            "scheduled_date": day.isoformat(),
            "scheduled_time": "10:00",
            "tz": "America/Los_Angeles",
        },
    )
    html = response.content.decode()
    assert outcomes(html) == (2, 0)
    assert "America/Los_Angeles" in html
    for target in queued:
        target.refresh_from_db()
        assert target.scheduled_at == datetime(
            day.year, day.month, day.day, 18, 0, tzinfo=UTC
        )


def test_reschedule_without_a_time_does_nothing_and_says_why(
    owner: Persona, owner_client: Client
) -> None:
    [target] = queue_sandbox(owner, "later")
    before = target.scheduled_at
    response = owner_client.post(
        URL, {"action": "reschedule", "post": [target.pk]}, follow=True
    )
    assert "Nothing done: Pick a date and a time to schedule." in (
        response.content.decode()
    )
    target.refresh_from_db()
    assert target.scheduled_at == before


def test_retry_many_retries_the_failed_and_refuses_the_rest(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    failed = make_post(owner, sandbox, "try again", outcome="platform_rejected")
    fine = make_post(owner, sandbox, "fine")
    response = owner_client.post(URL, {"action": "retry", "post": [failed.pk, fine.pk]})
    html = response.content.decode()
    assert outcomes(html) == (1, 1)
    assert "Retried as a new post, now published." in html
    assert "Only failed or rejected posts can be retried" in html
    new = PostTarget.objects.get(text="try again", status=PostTarget.Status.PUBLISHED)
    assert reverse("posts:detail", args=[new.pk]) in html


def test_another_workspaces_posts_are_not_found_and_untouched(
    owner: Persona, outsider: Persona, owner_client: Client
) -> None:
    [theirs] = queue_sandbox(outsider, "theirs")
    [mine] = queue_sandbox(owner, "mine")
    response = owner_client.post(
        URL, {"action": "cancel", "post": [theirs.pk, mine.pk, "not-an-id"]}
    )
    html = response.content.decode()
    assert outcomes(html) == (1, 2)
    assert html.count("Post not found.") == 2
    assert "theirs" not in html.split("<main", 1)[1]
    theirs.refresh_from_db()
    assert theirs.status == PostTarget.Status.QUEUED


def test_nothing_ticked_is_an_error_on_the_log(owner_client: Client) -> None:
    response = owner_client.post(URL, {"action": "cancel"}, follow=True)
    assert "Nothing done: tick at least one post first." in response.content.decode()


def test_too_many_ids_are_refused_before_acting(owner: Persona) -> None:
    ids = [str(i) for i in range(bulk.MAX_SELECTED + 1)]
    with pytest.raises(ValidationFailed) as exc:
        bulk.run(caller=session_caller(owner), action="cancel", post_ids=ids)
    assert exc.value.rule == "bulk.max_selected"


def test_the_same_post_ticked_twice_is_acted_on_once(owner: Persona) -> None:
    [target] = queue_sandbox(owner, "twice")
    result = bulk.run(
        caller=session_caller(owner),
        action="cancel",
        post_ids=[str(target.pk), str(target.pk)],
    )
    assert [o.done for o in result.outcomes] == [True]


def test_the_log_offers_a_labelled_checkbox_per_row_and_select_all(
    owner: Persona, owner_client: Client
) -> None:
    connect_sandbox(owner, "demo")
    [target] = queue_sandbox(owner, "labelled")
    html = owner_client.get(reverse("posts:log")).content.decode()
    assert f'name="post" value="{target.pk}" form="bulk-form"' in html
    assert 'aria-label="Select queued post to labelled: labelled"' in html
    assert 'aria-label="Select all posts on this page"' in html
    assert 'id="bulk-form"' in html and "bulk.js" in html


def test_retry_many_confirms_unknown_outcomes_only_when_ticked(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "maybe out", outcome="platform_rejected")
    PostTarget.objects.filter(pk=target.pk).update(
        error={**target.error, "rule": "publish.outcome_unknown"}
    )
    refused = owner_client.post(URL, {"action": "retry", "post": [target.pk]})
    assert outcomes(refused.content.decode()) == (0, 1)
    assert "retrying could post it twice" in refused.content.decode()
    confirmed = owner_client.post(
        URL, {"action": "retry", "post": [target.pk], "confirm_unknown": "on"}
    )
    assert outcomes(confirmed.content.decode()) == (1, 0)
