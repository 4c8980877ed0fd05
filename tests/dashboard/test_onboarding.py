"""First visit: key → account → test post, each step ticking off."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, User
from accounts.services import authenticate_api_key
from posts.models import PostTarget
from tests.conftest import Persona
from tests.dashboard.conftest import signed_in

HTMX = {"HTTP_HX_REQUEST": "true"}


def ticked(html: str, step: str) -> bool:
    return f'class="step done" id="step-{step}"' in html


def test_onboarding_ticks_each_step(owner: Persona, owner_client: Client) -> None:
    ApiKey.objects.filter(workspace=owner.workspace).delete()
    home = owner_client.get(reverse("home")).content.decode()
    assert "Get started in three steps" in home
    assert not any(ticked(home, s) for s in ("key", "connect", "post"))

    step1 = owner_client.post(reverse("onboarding-key"), **HTMX).content.decode()
    assert "<html" not in step1 and ticked(step1, "key")
    secret = step1.split('id="onboarding-secret" class="secret" readonly value="', 1)[
        1
    ].split('"')[0]
    assert authenticate_api_key(secret) is not None
    assert f"Authorization: Bearer {secret}" in step1  # the curl is ready to paste

    step2 = owner_client.post(
        reverse("onboarding-connect"), {"handle": "demo", "secret": secret}, **HTMX
    ).content.decode()
    assert (
        ticked(step2, "key") and ticked(step2, "connect") and not ticked(step2, "post")
    )
    account_id = owner.workspace.platform_accounts.get().pk
    assert f"&quot;accountId&quot;: &quot;{account_id}&quot;" in step2

    step3 = owner_client.post(reverse("onboarding-test-post"), **HTMX).content.decode()
    assert ticked(step3, "post") and "All set." in step3
    target = PostTarget.objects.get(workspace=owner.workspace)
    assert target.status == PostTarget.Status.PUBLISHED

    home = owner_client.get(reverse("home")).content.decode()
    assert "Get started in three steps" not in home  # done: the overview takes over
    assert "Show the getting-started checklist" in home


def test_a_bad_sandbox_handle_is_shown_inline(owner_client: Client) -> None:
    html = owner_client.post(
        reverse("onboarding-connect"), {"handle": "no spaces!"}, **HTMX
    ).content.decode()
    assert 'aria-invalid="true"' in html and "sandbox handle is 1-64" in html


def test_a_member_is_told_to_ask_for_a_key(owner: Persona, member: User) -> None:
    client = signed_in(member)
    before = ApiKey.objects.count()
    html = client.post(reverse("onboarding-key"), **HTMX).content.decode()
    assert "Only workspace owners and admins can create API keys." in html
    assert ApiKey.objects.count() == before


def test_the_checklist_can_be_hidden(owner: Persona, owner_client: Client) -> None:
    owner_client.post(reverse("onboarding-dismiss"))
    assert (
        "Get started in three steps"
        not in owner_client.get(reverse("home")).content.decode()
    )
    shown = owner_client.get(reverse("home"), {"onboarding": "1"}).content.decode()
    assert "Get started in three steps" in shown


def test_each_step_refreshes_the_overview_out_of_band(
    owner: Persona, owner_client: Client
) -> None:
    """The counts below the checklist follow the steps: no reload needed (issue #21, 1)."""
    step2 = owner_client.post(
        reverse("onboarding-connect"), {"handle": "demo"}, **HTMX
    ).content.decode()
    overview = step2.split('<div id="overview" hx-swap-oob="true">', 1)[1]
    assert '<p class="card-number">1</p>' in overview
    assert "connected account<" in overview and "No posts yet." in overview

    step3 = owner_client.post(reverse("onboarding-test-post"), **HTMX).content.decode()
    overview = step3.split('<div id="overview" hx-swap-oob="true">', 1)[1]
    assert "No posts yet." not in overview and "status-published" in overview

    page = owner_client.get(reverse("home") + "?onboarding=1").content.decode()
    assert (
        'id="overview"' in page and "hx-swap-oob" not in page
    )  # a page holds one copy
