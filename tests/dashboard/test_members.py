"""Members: invite by email, roles, and who may change them."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import members
from accounts.models import Membership, User
from letmepost.errors import Unauthorized, ValidationFailed
from tests.conftest import Persona
from tests.dashboard.conftest import signed_in


def test_inviting_a_new_person_creates_them_and_emails_a_set_password_link(
    owner: Persona, owner_client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("accounts:members"), {"email": "New@Example.com", "role": "admin"}
        )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="new@example.com")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, workspace=owner.workspace).role == "admin"
    assert EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.com"]
    assert owner.workspace.name in message.subject
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", message.body)
    assert link, message.body

    # Following the link lets them choose a password, then sign in.
    client = Client()
    form_page = client.get(link.group(0), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(0),
        {"password1": "a-brand-new-pass-42", "password2": "a-brand-new-pass-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-pass-42")


def test_inviting_an_existing_user_adds_them_with_a_sign_in_link(
    owner: Persona,
    outsider: Persona,
    owner_client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("accounts:members"),
            {"email": outsider.user.email, "role": "member"},
        )
    assert Membership.objects.filter(
        user=outsider.user, workspace=owner.workspace
    ).exists()
    assert "/accounts/login/" in mail.outbox[0].body
    assert outsider.user.check_password("correct-horse-battery")  # untouched


def test_inviting_a_member_twice_shows_the_error_inline(
    owner: Persona, member: User, owner_client: Client
) -> None:
    response = owner_client.post(
        reverse("accounts:members"), {"email": member.email, "role": "member"}
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_invalid_email_is_shown_inline(owner_client: Client) -> None:
    response = owner_client.post(
        reverse("accounts:members"), {"email": "nope", "role": "member"}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "valid email" in response.content.decode()


def test_a_member_cannot_invite(
    owner: Persona, member: User, member_client: Client
) -> None:
    response = member_client.post(
        reverse("accounts:members"), {"email": "x@example.com", "role": "member"}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.com").exists()


def test_a_member_cannot_change_roles(
    owner: Persona, member: User, member_client: Client
) -> None:
    mine = Membership.objects.get(user=member)
    response = member_client.post(
        reverse("accounts:member-role", args=[mine.pk]), {"role": "owner"}
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.role == "member"


def test_owner_changes_a_role(
    owner: Persona, member: User, owner_client: Client
) -> None:
    theirs = Membership.objects.get(user=member)
    owner_client.post(
        reverse("accounts:member-role", args=[theirs.pk]), {"role": "admin"}
    )
    theirs.refresh_from_db()
    assert theirs.role == "admin"


def test_an_admin_cannot_grant_or_remove_ownership(
    owner: Persona, member: User
) -> None:
    admin = Membership.objects.get(user=member)
    admin.role = "admin"
    admin.save()
    owner_membership = Membership.objects.get(user=owner.user)
    with pytest.raises(Unauthorized):
        members.change_role(actor=admin, membership=admin, role="owner")
    with pytest.raises(Unauthorized):
        members.remove_member(actor=admin, membership=owner_membership)
    with pytest.raises(Unauthorized):
        members.invite_member(actor=admin, email="boss@example.com", role="owner")


def test_the_last_owner_stays(owner: Persona) -> None:
    mine = Membership.objects.get(user=owner.user)
    with pytest.raises(ValidationFailed):
        members.change_role(actor=mine, membership=mine, role="member")
    with pytest.raises(ValidationFailed):
        members.remove_member(actor=mine, membership=mine)


def test_another_workspaces_member_is_not_found(
    owner: Persona, outsider: Persona, owner_client: Client
) -> None:
    theirs = Membership.objects.get(user=outsider.user)
    response = owner_client.post(
        reverse("accounts:member-role", args=[theirs.pk]), {"role": "member"}
    )
    assert response.status_code == 404


def test_a_member_can_leave(owner: Persona, member: User) -> None:
    client = signed_in(member)
    mine = Membership.objects.get(user=member)
    response = client.post(reverse("accounts:member-remove", args=[mine.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()
