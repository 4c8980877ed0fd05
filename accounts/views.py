"""Dashboard pages for the workspace: switcher, members, profiles, API keys, settings.

Thin views over accounts.services, accounts.members and accounts.selectors, as the API's.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import members, selectors, services
from accounts.forms import (
    ApiKeyForm,
    InviteForm,
    ProfileEditForm,
    ProfileForm,
    RoleForm,
    WorkspaceForm,
)
from letmepost.api.auth import SESSION_WORKSPACE_KEY, require_admin
from letmepost.dashboard import (
    DashboardRequest,
    add_service_error,
    dashboard_view,
    safe_next,
)
from letmepost.errors import LetmepostError, ValidationFailed
from letmepost.forms import choice_field

# --- workspaces ------------------------------------------------------------------------------


@require_POST
@dashboard_view
def switch_workspace(request: DashboardRequest) -> HttpResponse:
    """Make another of the user's workspaces the session's; anyone else's is not found."""
    membership = members.get_own_membership(
        request.user, request.POST.get("workspace", "")
    )
    request.session[SESSION_WORKSPACE_KEY] = str(membership.workspace_id)
    messages.success(request, f"Switched to {membership.workspace.name}.")
    return redirect(safe_next(request, reverse("home")))


@require_POST
@login_required  # not @dashboard_view: someone with no workspace left must be able to start one
def create_workspace(request: DashboardRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A new workspace needs a name.")
        return redirect(safe_next(request, reverse("home")))
    workspace = services.create_workspace(
        owner=request.user, name=form.cleaned_data["name"]
    )
    request.session[SESSION_WORKSPACE_KEY] = str(workspace.pk)
    messages.success(request, f"Created {workspace.name}. You are its owner.")
    return redirect("home")


# --- members ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@dashboard_view
def members_page(request: DashboardRequest) -> HttpResponse:
    actor = request.membership
    invite = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and invite.is_valid():
        try:
            with transaction.atomic():
                invitation = members.invite_member(
                    actor=actor,
                    email=invite.cleaned_data["email"],
                    role=invite.cleaned_data["role"],
                )
        except ValidationFailed as exc:
            add_service_error(invite, exc, "email")
        else:
            # After the commit: the email's link must find the user it names.
            members.send_invitation(request, invitation, invited_by=request.user)
            messages.success(
                request,
                f"Invited {invitation.membership.user.email}; they will get an email.",
            )
            return redirect("accounts:members")
    return render(
        request,
        "accounts/members.html",
        {
            "members": members.list_members(request.workspace),
            "invite_form": invite,
            "rename_form": WorkspaceForm(initial={"name": request.workspace.name}),
            "role_choices": choice_field(RoleForm.base_fields, "role").choices,
        },
        status=400 if invite.errors else 200,
    )


@require_POST
@dashboard_view
def member_role(request: DashboardRequest, membership_id: str) -> HttpResponse:
    target = members.get_member_for_workspace(request.workspace, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, admin or member.")
        return redirect("accounts:members")
    try:
        members.change_role(
            actor=request.membership, membership=target, role=form.cleaned_data["role"]
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{target.user.email} is now {target.role}.")
    return redirect("accounts:members")


@require_POST
@dashboard_view
def member_remove(request: DashboardRequest, membership_id: str) -> HttpResponse:
    target = members.get_member_for_workspace(request.workspace, membership_id)
    leaving = target.pk == request.membership.pk
    try:
        members.remove_member(actor=request.membership, membership=target)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("accounts:members")
    if leaving:
        request.session.pop(SESSION_WORKSPACE_KEY, None)
        messages.success(request, f"You left {request.workspace.name}.")
        return redirect("home")
    messages.success(request, f"Removed {target.user.email}.")
    return redirect("accounts:members")


@require_POST
@dashboard_view
def rename_workspace(request: DashboardRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST)
    if form.is_valid():
        try:
            members.rename_workspace(
                actor=request.membership, name=form.cleaned_data["name"]
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Workspace renamed.")
    else:
        messages.error(request, "A workspace needs a name of at most 120 characters.")
    return redirect("accounts:members")


# --- profiles --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@dashboard_view
def profiles_page(request: DashboardRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require_admin(request.principal, "create profiles")
        if form.is_valid():
            try:
                profile = services.create_profile(
                    workspace=request.workspace,
                    name=form.validated["name"],
                    slug=form.validated.get("slug"),
                )
            except ValidationFailed as exc:
                add_service_error(form, exc, "slug")
            else:
                messages.success(
                    request, f"Created profile {profile.name} ({profile.slug})."
                )
                return redirect("accounts:profiles")
    profiles = selectors.list_profiles(request.workspace).prefetch_related(
        "platform_accounts"
    )
    return render(
        request,
        "accounts/profiles.html",
        {"profiles": profiles, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@dashboard_view
def profile_edit(request: DashboardRequest, profile_id: str) -> HttpResponse:
    profile = selectors.get_profile_for_workspace(request.workspace, profile_id)
    require_admin(request.principal, "change profiles")
    form = ProfileEditForm(request.POST)
    if form.is_valid():
        try:
            services.update_profile(
                profile=profile,
                name=form.validated.get("name"),
                slug=form.validated.get("slug"),
            )
        except ValidationFailed as exc:
            add_service_error(form, exc, "slug")
    if form.errors:
        messages.error(
            request,
            f"Profile {profile.name} was not changed: "
            + " ".join(str(e) for errs in form.errors.values() for e in errs),
        )
    else:
        messages.success(request, "Profile saved.")
    return redirect("accounts:profiles")


@require_POST
@dashboard_view
def profile_delete(request: DashboardRequest, profile_id: str) -> HttpResponse:
    profile = selectors.get_profile_for_workspace(request.workspace, profile_id)
    require_admin(request.principal, "delete profiles")
    try:
        services.delete_profile(profile=profile)
    except ValidationFailed as exc:
        messages.error(request, f"{exc.message} {exc.fields.get('remediation', '')}")
    else:
        messages.success(request, f"Deleted profile {profile.name}.")
    return redirect("accounts:profiles")


# --- API keys --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@dashboard_view
def api_keys_page(request: DashboardRequest) -> HttpResponse:
    profiles = list(selectors.list_profiles(request.workspace))
    form = ApiKeyForm(
        request.POST if request.method == "POST" else None, profiles=profiles
    )
    minted = None
    if request.method == "POST":
        require_admin(request.principal, "create API keys")
        if form.is_valid():
            try:
                minted = services.mint_api_key(
                    workspace=request.workspace,
                    name=form.validated["name"],
                    prefix=form.validated["prefix"],
                    profile=form.profile(),
                    created_by=request.user,
                )
            except LetmepostError as exc:
                add_service_error(form, exc)
            else:
                form = ApiKeyForm(profiles=profiles)  # the secret shows once, below
    return render(
        request,
        "accounts/api_keys.html",
        {
            "keys": selectors.list_api_keys(
                request.workspace, livemode=request.principal.livemode
            ).select_related("profile", "created_by"),
            "form": form,
            "minted": minted,
            "can_administer": request.principal.can_administer,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@dashboard_view
def api_key_revoke(request: DashboardRequest, key_id: str) -> HttpResponse:
    require_admin(request.principal, "revoke API keys")
    api_key = selectors.get_api_key_for_workspace(
        request.workspace, key_id, livemode=request.principal.livemode
    )
    try:
        services.revoke_api_key(api_key=api_key)
    except LetmepostError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Revoked {api_key.name} (…{api_key.last4}).")
    return redirect("accounts:api-keys")


# --- personal settings -----------------------------------------------------------------------


@require_GET
@dashboard_view
def settings_page(request: DashboardRequest) -> HttpResponse:
    has_totp = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    return render(request, "accounts/settings.html", {"has_totp": has_totp})
