"""The dashboard home: onboarding on first visit (key → account → test post), then an overview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import ApiKey
from accounts.services import MintedKey, get_default_profile, mint_api_key
from letmepost.api.auth import require_admin
from letmepost.dashboard import DashboardRequest, dashboard_view
from letmepost.errors import LetmepostError
from platforms.models import PlatformAccount
from platforms.selectors import live_accounts
from platforms.services import connect_with_credentials
from posts.curl import curl_command
from posts.models import PostTarget
from posts.publishing import commit_then_publish
from posts.requests import PostRequest, TargetRequest
from posts.selectors import targets_in_mode
from posts.services import Caller, create_post

DISMISSED = "onboarding_dismissed"
TEST_TEXT = "Hello from letmepost 👋"


@dataclass
class Onboarding:
    has_key: bool
    account: PlatformAccount | None
    has_post: bool
    secret: str | None = None  # a key minted in this very response: shown once
    error: str | None = None
    error_step: str | None = None

    @property
    def done(self) -> bool:
        return self.has_key and self.account is not None and self.has_post

    @property
    def curl(self) -> str:
        target = str(self.account.pk) if self.account else "<accountId>"
        body = {
            "text": TEST_TEXT,
            "targets": [{"accountId": target}],
            "publishNow": True,
        }
        return curl_command(body, secret=self.secret)


def onboarding_state(request: DashboardRequest, **extra: Any) -> Onboarding:
    workspace = request.workspace
    accounts = live_accounts(workspace)
    return Onboarding(
        has_key=ApiKey.objects.filter(
            workspace=workspace, revoked_at__isnull=True
        ).exists(),
        account=accounts.filter(platform="sandbox").first() or accounts.first(),
        has_post=PostTarget.objects.filter(workspace=workspace).exists(),
        **extra,
    )


def _onboarding(request: DashboardRequest, state: Onboarding) -> HttpResponse:
    # htmx swaps the checklist; the overview rides along out of band, so the counts a step
    # changed (accounts, posts) are current without a reload.
    context = {"onboarding": state, "show_onboarding": True, **_overview(request)}
    if request.htmx:
        return render(request, "home.html#onboarding", context)
    return render(request, "home.html", context)


def _overview(request: DashboardRequest) -> dict[str, Any]:
    workspace = request.workspace
    targets = targets_in_mode(workspace, livemode=request.principal.livemode)
    since = timezone.now() - timedelta(days=7)
    counts = dict(
        targets.filter(created_at__gte=since)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {
        "account_count": live_accounts(workspace).count(),
        "week": {
            "published": counts.get(PostTarget.Status.PUBLISHED, 0),
            "failed": counts.get(PostTarget.Status.FAILED, 0)
            + counts.get(PostTarget.Status.REJECTED, 0),
            "queued": counts.get(PostTarget.Status.QUEUED, 0),
        },
        "upcoming": targets.select_related("account")
        .filter(
            status=PostTarget.Status.QUEUED,
            scheduled_at__gte=timezone.now(),
        )
        .order_by("scheduled_at")[:5],
        "recent": targets.select_related("account").order_by("-created_at", "-id")[:5],
    }


@require_GET
@dashboard_view
def home(request: DashboardRequest) -> HttpResponse:
    state = onboarding_state(request)
    show = (not state.done and not request.session.get(DISMISSED)) or (
        "onboarding" in request.GET
    )
    return render(
        request,
        "home.html",
        {"onboarding": state, "show_onboarding": show, **_overview(request)},
    )


@require_POST
@dashboard_view
def onboarding_key(request: DashboardRequest) -> HttpResponse:
    """Step 1: mint a key and show its secret once, with the curl that uses it."""
    try:
        require_admin(request.principal, "create API keys")
    except LetmepostError as exc:
        return _onboarding(
            request, onboarding_state(request, error=exc.message, error_step="key")
        )
    minted: MintedKey = mint_api_key(
        workspace=request.workspace, name="Onboarding", created_by=request.user
    )
    return _onboarding(request, onboarding_state(request, secret=minted.secret))


@require_POST
@dashboard_view
def onboarding_connect(request: DashboardRequest) -> HttpResponse:
    """Step 2: connect a sandbox account (publishes into our own database)."""
    return _onboarding_step(
        request,
        "connect",
        lambda: connect_with_credentials(
            workspace=request.workspace,
            profile=get_default_profile(workspace=request.workspace),
            platform="sandbox",
            payload={"handle": request.POST.get("handle", "").strip() or "demo"},
        ),
    )


@require_POST
@dashboard_view
def onboarding_test_post(request: DashboardRequest) -> HttpResponse:
    """Step 3: publish a test post to the onboarding account, now."""
    state = onboarding_state(request)
    if state.account is None:
        return _onboarding(
            request,
            onboarding_state(
                request, error="Connect an account first.", error_step="post"
            ),
        )
    caller = Caller(
        workspace=request.workspace,
        scope=None,
        livemode=request.principal.livemode,
        user=request.user,
    )
    wanted = PostRequest(
        targets=(TargetRequest(account_id=str(state.account.pk)),),
        text=TEST_TEXT,
        publish_now=True,
    )
    return _onboarding_step(
        request,
        "post",
        lambda: commit_then_publish(lambda: create_post(caller=caller, request=wanted)),
    )


def _onboarding_step(
    request: DashboardRequest, step: str, action: Callable[[], object]
) -> HttpResponse:
    """Run one onboarding step, then show the page again: with the step's error if it failed,
    else with the key minted in step 1 still on screen (it is never shown again)."""
    try:
        action()
    except LetmepostError as exc:
        return _onboarding(
            request, onboarding_state(request, error=exc.message, error_step=step)
        )
    return _onboarding(
        request, onboarding_state(request, secret=request.POST.get("secret") or None)
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site whatever the page links: answer with ours."""
    return redirect(static("favicon.svg"))


@require_POST
@dashboard_view
def onboarding_dismiss(request: DashboardRequest) -> HttpResponse:
    request.session[DISMISSED] = True
    return redirect("home")
