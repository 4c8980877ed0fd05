"""The posts log: filters, keyset pages, htmx partials; the detail page."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posts.models import PostTarget
from tests.conftest import Persona, connect_sandbox
from tests.dashboard.helpers import make_post

HTMX = {"HTTP_HX_REQUEST": "true"}


def rows(html: str) -> int:
    return html.count('<tr data-target="')


def test_filters_by_status_text_platform_account_and_error_code(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    other = connect_sandbox(owner, "other")
    make_post(owner, sandbox, "apples are fine")
    make_post(owner, sandbox, "bananas fail", outcome="platform_rejected")
    make_post(owner, other, "cherries elsewhere")
    url = reverse("posts:log")
    assert rows(owner_client.get(url).content.decode()) == 3
    assert rows(owner_client.get(url, {"status": "rejected"}).content.decode()) == 1
    assert (
        "bananas"
        in owner_client.get(url, {"error_code": "platform_rejected"}).content.decode()
    )
    html = owner_client.get(url, {"q": "APPLES"}).content.decode()
    assert rows(html) == 1 and "apples are fine" in html
    assert rows(owner_client.get(url, {"account": str(other.pk)}).content.decode()) == 1
    assert rows(owner_client.get(url, {"platform": "bluesky"}).content.decode()) == 0
    assert (
        "No posts match these filters."
        in owner_client.get(url, {"q": "zzz"}).content.decode()
    )


def test_date_range_is_in_the_viewers_days(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "dated")
    today = timezone.now().date()
    url = reverse("posts:log")
    assert (
        rows(owner_client.get(url, {"date_from": today.isoformat()}).content.decode())
        == 1
    )
    yesterday = (today - timedelta(days=2)).isoformat()
    assert rows(owner_client.get(url, {"date_to": yesterday}).content.decode()) == 0
    html = owner_client.get(url, {"date_from": today.isoformat(), "date_to": yesterday})
    assert "The end date is before the start date." in html.content.decode()
    assert target.pk


def test_pages_with_a_cursor_and_htmx_partials(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    for i in range(30):
        make_post(owner, sandbox, f"post number {i:02d}")
    url = reverse("posts:log")
    first = owner_client.get(url).content.decode()
    assert rows(first) == 25 and "Load more" in first
    more = first.split('<tr class="load-more">', 1)[1]
    next_url = more.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    partial = owner_client.get(next_url, **HTMX).content.decode()
    assert "<html" not in partial and "<tr" in partial
    assert rows(partial) == 5 and "Load more" not in partial
    assert "post number 00" in partial and "post number 29" in first
    results = owner_client.get(url, {"q": "number 1"}, **HTMX).content.decode()
    assert results.lstrip().startswith('<div id="log-results"') and rows(results) == 10


def test_another_workspaces_posts_never_show(
    owner: Persona, outsider: Persona, owner_client: Client, sandbox
) -> None:
    theirs = make_post(outsider, connect_sandbox(outsider, "theirs"), "secret plans")
    assert "secret plans" not in owner_client.get(reverse("posts:log")).content.decode()
    response = owner_client.get(reverse("posts:detail", args=[theirs.pk]))
    assert response.status_code == 404


def test_detail_shows_the_error_envelope_platform_response_attempts_and_curl(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "doomed", outcome="platform_rejected")
    html = owner_client.get(reverse("posts:detail", args=[target.pk])).content.decode()
    assert target.status == PostTarget.Status.REJECTED
    assert "Sandbox outcome forced: platform_rejected." in html
    assert "/docs/errors/platform_rejected" in html
    assert (
        "Full error envelope" in html
        and "&quot;code&quot;: &quot;platform_rejected&quot;" in html
    )
    assert "Raw platform response" in html and "sandboxOutcome" in html
    assert "Attempt 1" in html and "status-rejected" in html
    assert "curl -sS -X POST http" in html and "/v1/posts" in html
    assert f"&quot;accountId&quot;: &quot;{sandbox.pk}&quot;" in html
    assert "Retry as a new post" in html


def test_failed_or_rejected_is_one_filter(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    make_post(owner, sandbox, "ok")
    make_post(owner, sandbox, "rejected", outcome="platform_rejected")
    make_post(owner, sandbox, "failed", outcome="not_found")
    html = owner_client.get(
        reverse("posts:log"), {"status": "failed,rejected"}
    ).content.decode()
    assert rows(html) == 2


def test_filters_fold_away_until_one_is_used(owner_client: Client, sandbox) -> None:
    """On a phone the first row comes before seven fields; app.js unfolds them on wide screens."""
    url = reverse("posts:log")
    html = owner_client.get(url).content.decode()
    assert '<details class="filters-toggle" data-open-wide>' in html
    html = owner_client.get(url, {"status": "failed"}).content.decode()
    assert '<details class="filters-toggle" data-open-wide open>' in html
    assert "Filters <small>(active)</small>" in html


def test_action_tables_stack_on_a_phone(owner_client: Client, sandbox) -> None:
    html = owner_client.get(reverse("platforms:accounts")).content.decode()
    assert '<table class="striped stack-narrow">' in html
    assert '<td data-label="Platform">sandbox</td>' in html
