"""Who belongs to a workspace: invite by email, change roles, remove, rename the workspace.

Rules: owners and admins manage members; only an owner grants, changes or removes the owner role;
a workspace always keeps at least one owner. Reads here take the workspace (or the user) first,
and "not yours" is "not found", as in accounts.selectors.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Membership, User, Workspace
from letmepost.errors import NotFound, Unauthorized, ValidationFailed
from letmepost.ids import parse_uuid

Role = Membership.Role


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    created_user: bool  # a new person: they set a password from the emailed link


# --- reads -----------------------------------------------------------------------------------


def list_members(workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("created_at", "id")
    )


def get_member_for_workspace(workspace: Workspace, membership_id: str) -> Membership:
    pk = parse_uuid(membership_id)
    membership = (
        list_members(workspace).filter(pk=pk).first() if pk is not None else None
    )
    if membership is None:
        raise NotFound("No such member.", resource="member")
    return membership


def get_own_membership(user: User, workspace_id: str) -> Membership:
    """The user's membership of that workspace; a workspace they are not in is not found."""
    pk = parse_uuid(workspace_id)
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace_id=pk)
        .first()
        if pk is not None
        else None
    )
    if membership is None:
        raise NotFound("No such workspace.", resource="workspace")
    return membership


# --- writes ----------------------------------------------------------------------------------


def _require_admin(actor: Membership, action: str) -> None:
    if not actor.can_administer:
        raise Unauthorized(
            f"Only workspace owners and admins can {action}.", rule="membership.role"
        )


def _require_owner_for(actor: Membership, *roles: str) -> None:
    if Role.OWNER in roles and actor.role != Role.OWNER:
        raise Unauthorized(
            "Only an owner can grant, change or remove the owner role.",
            rule="membership.owner_role",
        )


def _is_last_owner(membership: Membership) -> bool:
    return (
        membership.role == Role.OWNER
        and not Membership.objects.filter(
            workspace_id=membership.workspace_id, role=Role.OWNER
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _last_owner_error() -> ValidationFailed:
    return ValidationFailed(
        "A workspace needs at least one owner.",
        status=409,
        rule="membership.last_owner",
        remediation="Make someone else an owner first.",
    )


@transaction.atomic
def invite_member(
    *, actor: Membership, email: str, role: str = Role.MEMBER
) -> Invitation:
    """Add the person with this email to the actor's workspace, creating their user if new.

    A new user gets no password (they set one from the invitation link) and a verified address:
    the link only reaches the mailbox, so following it proves the address as a verification would.
    """
    _require_admin(actor, "invite members")
    _require_owner_for(actor, role)
    email = email.strip().lower()  # as allauth stores addresses
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email)  # unusable password
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif Membership.objects.filter(workspace=actor.workspace, user=user).exists():
        raise ValidationFailed(
            f"{email} is already a member of this workspace.",
            status=409,
            rule="membership.exists",
            remediation="Change their role in the members list instead.",
        )
    membership = Membership.objects.create(
        workspace=actor.workspace, user=user, role=role
    )
    return Invitation(membership=membership, created_user=created)


def send_invitation(
    request: HttpRequest, invitation: Invitation, *, invited_by: User
) -> None:
    """Email the invitee: a set-your-password link if they are new, a sign-in link otherwise."""
    adapter = get_adapter(request)
    user = invitation.membership.user
    context = {
        "workspace": invitation.membership.workspace,
        "role": invitation.membership.role,
        "inviter": invited_by,
        "created_user": invitation.created_user,
        "sign_in_url": request.build_absolute_uri(reverse("account_login")),
    }
    if invitation.created_user:
        key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
        context["password_url"] = adapter.get_reset_password_from_key_url(key)
    adapter.send_mail("account/email/invitation", user.email, context)


@transaction.atomic
def change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    _require_admin(actor, "change roles")
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", rule="membership.role")
    _require_owner_for(actor, role, membership.role)
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and _is_last_owner(membership)
    ):
        raise _last_owner_error()
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, actor: Membership, membership: Membership) -> None:
    """Remove someone (or leave, when it is the actor's own membership)."""
    if membership.pk != actor.pk:
        _require_admin(actor, "remove members")
        _require_owner_for(actor, membership.role)
    if _is_last_owner(membership):
        raise _last_owner_error()
    membership.delete()


def rename_workspace(*, actor: Membership, name: str) -> Workspace:
    _require_admin(actor, "rename the workspace")
    name = name.strip()
    if not name:
        raise ValidationFailed("A workspace needs a name.", rule="workspace.name")
    workspace = actor.workspace
    workspace.name = name[:120]
    workspace.save(update_fields=["name", "updated_at"])
    return workspace
