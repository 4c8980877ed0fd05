"""A post's page: a retrying post says so, the reschedule form never offers a past time, and
"Copy as curl" asks for a key of the post's mode with a time still ahead (issue #21, 3)."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiKey
from accounts.services import mint_api_key
from platforms.models import PlatformAccount
from posts.models import PostTarget
from tests.conftest import Persona
from tests.dashboard.helpers import make_post


def _page(client: Client, target: PostTarget) -> str:
    return client.get(reverse("posts:detail", args=[target.pk])).content.decode()


def test_a_retrying_post_shows_attempts_and_next_attempt(
    owner: Persona, owner_client: Client, sandbox: PlatformAccount
) -> None:
    target = make_post(owner, sandbox, "again later", outcome="rate_limited")
    assert target.status == PostTarget.Status.QUEUED and target.attempt_count == 1
    html = _page(owner_client, target)
    assert '<span class="status status-retry">retrying</span>' in html
    next_at = target.due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert "<dt>Next attempt</dt><dd data-next-attempt>" in html and next_at in html

    log = owner_client.get(reverse("posts:log")).content.decode()
    row = log.split(f'data-target="{target.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "retrying" in row and "1 attempt, next" in row


def test_a_plain_queued_post_is_not_called_retrying(
    owner: Persona, owner_client: Client, sandbox: PlatformAccount
) -> None:
    target = make_post(
        owner, sandbox, "later", scheduled_at=timezone.now() + timedelta(hours=3)
    )
    html = _page(owner_client, target)
    assert "retrying" not in html and "Next attempt" not in html


def test_reschedule_is_prefilled_only_with_a_time_ahead(
    owner: Persona, owner_client: Client, sandbox: PlatformAccount
) -> None:
    when = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    ahead = make_post(owner, sandbox, "ahead", scheduled_at=when)
    assert f'value="{when:%Y-%m-%d}"' in _page(owner_client, ahead)

    PostTarget.objects.filter(pk=ahead.pk).update(
        scheduled_at=timezone.now() - timedelta(hours=1)
    )
    html = _page(owner_client, ahead)
    form = html.split('id="id_scheduled_date"', 1)
    assert len(form) == 2 and "value=" not in form[1].split(">", 1)[0]


def test_copy_as_curl_asks_for_a_live_key_and_drops_a_past_time(
    owner: Persona, owner_client: Client, sandbox: PlatformAccount
) -> None:
    ApiKey.objects.filter(workspace=owner.workspace).delete()
    live = mint_api_key(workspace=owner.workspace, name="Server", created_by=owner.user)
    mint_api_key(
        workspace=owner.workspace,
        name="Newest test key",
        created_by=owner.user,
        prefix=ApiKey.Prefix.TEST,
    )
    retrying = make_post(owner, sandbox, "again later", outcome="rate_limited")
    html = _page(owner_client, retrying)
    curl = html.split('<pre id="curl"><code>', 1)[1].split("</code>", 1)[0]
    assert f"your key &quot;Server&quot;, ending …{live.api_key.last4}" in curl
    assert "lmp_test_" not in curl and "Newest test key" not in curl
    assert "scheduledAt" not in curl and "publishNow" in curl

    when = timezone.now() + timedelta(hours=3)
    ahead = make_post(owner, sandbox, "ahead", scheduled_at=when)
    curl = _page(owner_client, ahead).split('<pre id="curl">', 1)[1]
    assert f"{when.astimezone(UTC):%Y-%m-%dT%H:%M}" in curl

    PostTarget.objects.filter(pk=ahead.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=5)
    )  # due, not yet picked up: pasting the old time would be refused
    curl = _page(owner_client, ahead).split('<pre id="curl">', 1)[1]
    assert "scheduledAt" not in curl and "publishNow" in curl
