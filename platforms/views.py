"""Dashboard pages for connected accounts: connect (per the registry), state, disconnect.

Every platform the API knows gets a tile. What a tile offers comes from the adapter class in
`platforms.registry`: a credential form built from `credential_fields`, or an OAuth button that
asks the connect service (`platforms.oauth.start_connect`, as `POST /v1/accounts/connect/…`
does) for the authorization URL and sends the browser there; the provider's callback brings it
back to this page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from accounts.selectors import list_profiles
from accounts.services import get_default_profile
from letmepost.dashboard import (
    DashboardRequest,
    dashboard_view,
    safe_next,
)
from letmepost.errors import LetmepostError, PlatformNotEnabled, ValidationFailed
from platforms import oauth, selection, selectors, services
from platforms.base import PlatformAdapter
from platforms.forms import ConnectForm
from platforms.models import PlatformAccount
from platforms.registry import DECLARED, PLATFORMS, adapter_class
from platforms.versions import list_versions


@dataclass
class Tile:
    slug: str
    name: str
    adapter: type[PlatformAdapter]
    form: ConnectForm | None = None
    # What the operator must set before anyone can connect it (empty: ready).
    missing: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.adapter.connect_kind

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def docs_url(self) -> str | None:
        return (
            reverse("docs-platform", args=[self.slug])
            if DECLARED[self.slug].docs
            else None
        )


def missing_settings(adapter: type[PlatformAdapter]) -> tuple[str, ...]:
    """The environment variables an OAuth platform waits for (its app's credentials)."""
    ensure_enabled = getattr(adapter, "ensure_enabled", None)
    if ensure_enabled is None:  # credentials: nothing for the operator to register
        return ()
    try:
        ensure_enabled()
    except PlatformNotEnabled:
        prefix = adapter.slug.upper()
        return (f"{prefix}_CLIENT_ID", f"{prefix}_CLIENT_SECRET")
    return ()


def _tiles(request: DashboardRequest, bound: ConnectForm | None = None) -> list[Tile]:
    profiles = list(list_profiles(request.workspace))
    default = get_default_profile(workspace=request.workspace)
    tiles = []
    for slug in PLATFORMS:
        adapter = adapter_class(slug)
        form = (
            bound
            if bound is not None and bound.adapter.slug == slug
            else ConnectForm(
                adapter=adapter, profiles=profiles, initial={"profile": str(default.pk)}
            )
        )
        tiles.append(
            Tile(slug, adapter.display_name, adapter, form, missing_settings(adapter))
        )
    # The sandbox first, then what can be connected now, then what needs the operator.
    return sorted(tiles, key=lambda t: (t.slug != "sandbox", not t.ready, t.slug))


def account_state(account: PlatformAccount, now: datetime) -> str:
    """connected | expiring (token has an expiry ahead) | expired | needs_reauth."""
    if account.status == PlatformAccount.Status.NEEDS_REAUTH:
        return "needs_reauth"
    if account.token_expires_at is None:
        return "connected"
    return "expired" if account.token_expires_at <= now else "expiring"


def _render(
    request: DashboardRequest, bound: ConnectForm | None = None
) -> HttpResponse:
    now = timezone.now()
    accounts = [
        (account, account_state(account, now))
        for account in selectors.live_accounts(request.workspace).order_by(
            "platform", "created_at"
        )
    ]
    return render(
        request,
        "platforms/accounts.html",
        {"accounts": accounts, "tiles": _tiles(request, bound)},
        status=400 if bound is not None and bound.errors else 200,
    )


@require_GET
@dashboard_view
def accounts_page(request: DashboardRequest) -> HttpResponse:
    # Where the OAuth callback sends the browser back (platforms/api/views.py OAuthCallbackApi).
    if held := request.GET.get("selection"):  # several accounts found: choose which
        return redirect("platforms:select", selection_id=held)
    if platform := request.GET.get("connected"):
        messages.success(request, f"Connected your {platform} account.")
    elif error := request.GET.get("connect_error"):
        name = request.GET.get("platform", "the")
        messages.error(request, f"Connecting {name} account failed: {error}.")
    return _render(request)


@require_POST
@dashboard_view
def connect(request: DashboardRequest, platform: str) -> HttpResponse:
    """Credential platforms: verify and store. OAuth platforms: send the browser to the provider."""
    if platform not in PLATFORMS:
        messages.error(request, f"{platform} is not enabled on this installation.")
        return redirect("platforms:accounts")
    adapter = adapter_class(platform)
    form = ConnectForm(
        request.POST, adapter=adapter, profiles=list(list_profiles(request.workspace))
    )
    if not form.is_valid():
        return _render(request, form)
    try:
        if form.is_oauth:
            descriptor = oauth.start_connect(
                workspace=request.workspace,
                profile=form.chosen_profile(),
                platform=platform,
                params=form.oauth_params,
                return_to=settings.PUBLIC_URL + reverse("platforms:accounts"),
            )
            return redirect(descriptor["authorizationUrl"])
        account, created = services.connect_with_credentials(
            workspace=request.workspace,
            profile=form.chosen_profile(),
            platform=platform,
            payload=form.payload(),
        )
    except LetmepostError as exc:
        form.add_refusal(exc)
        return _render(request, form)
    name = account.display_name or account.external_id
    verb = "Connected" if created else "Reconnected"
    messages.success(request, f"{verb} {adapter.display_name} account {name}.")
    return redirect(safe_next(request, reverse("platforms:accounts")))


@require_http_methods(["GET", "POST"])
@dashboard_view
def select(request: DashboardRequest, selection_id: str) -> HttpResponse:
    """Choose which of the accounts one authorization found to connect (none is preselected)."""
    held = selection.get_selection(request.workspace, selection_id)
    name = DECLARED[held.platform].name if held.platform in DECLARED else held.platform
    error = None
    if request.method == "POST":
        try:
            stored = selection.connect_selected(
                workspace=request.workspace,
                selection_id=selection_id,
                external_ids=request.POST.getlist("externalIds"),
            )
        except ValidationFailed as exc:
            error = exc.message
        else:
            messages.success(request, f"Connected {len(stored)} {name} account(s).")
            return redirect("platforms:accounts")
    return render(
        request,
        "platforms/select.html",
        {
            "selection": held,
            "name": name,
            "candidates": selection.public_candidates(held),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@dashboard_view
def disconnect(request: DashboardRequest, account_id: str) -> HttpResponse:
    account = selectors.get_account_for_workspace(request.workspace, account_id)
    services.disconnect_account(account=account)
    messages.success(
        request,
        f"Disconnected {account.platform} account {account.display_name or account.external_id}. "
        "Its queued posts were canceled; the log keeps its history.",
    )
    return redirect("platforms:accounts")


@require_GET
@dashboard_view
def versions_page(request: DashboardRequest) -> HttpResponse:
    """The platform-version registry, as `GET /v1/platform-versions` lists it."""
    rows = [
        {
            "version": version,
            "name": DECLARED[version.platform].name
            if version.platform in DECLARED
            else version.platform.title(),  # a row left by a removed platform
            "enabled": version.platform in PLATFORMS,
        }
        for version in list_versions()
    ]
    return render(request, "platforms/versions.html", {"rows": rows})
