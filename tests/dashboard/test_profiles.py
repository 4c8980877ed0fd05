"""Profiles page: create with an auto slug, inline errors, the default's rules, roles."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import Profile, User
from tests.conftest import Persona


def test_create_a_profile_with_an_auto_slug(
    owner: Persona, owner_client: Client
) -> None:
    response = owner_client.post(reverse("accounts:profiles"), {"name": "Acme Brand"})
    assert response.status_code == 302
    assert (
        Profile.objects.get(workspace=owner.workspace, name="Acme Brand").slug
        == "acme-brand"
    )


def test_a_taken_slug_is_an_inline_error(owner: Persona, owner_client: Client) -> None:
    response = owner_client.post(
        reverse("accounts:profiles"), {"name": "Other", "slug": "default"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already exists" in html and 'aria-invalid="true"' in html


def test_a_bad_slug_uses_the_apis_pattern(owner_client: Client) -> None:
    response = owner_client.post(
        reverse("accounts:profiles"), {"name": "X", "slug": "Not A Slug"}
    )
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_a_profile_with_accounts_is_not_deleted(
    owner: Persona, owner_client: Client
) -> None:
    from tests.conftest import connect_sandbox

    brand = Profile.objects.create(
        workspace=owner.workspace, name="Brand", slug="brand"
    )
    connect_sandbox(owner, "brandy", profile=brand)
    page = owner_client.post(
        reverse("accounts:profile-delete", args=[brand.pk]), follow=True
    )
    assert "still owns 1 platform account" in page.content.decode()
    assert Profile.objects.filter(pk=brand.pk).exists()


def test_rename_a_profile(owner: Persona, owner_client: Client) -> None:
    owner_client.post(
        reverse("accounts:profile-edit", args=[owner.profile.pk]),
        {"name": "Main", "slug": "default"},
    )
    owner.profile.refresh_from_db()
    assert owner.profile.name == "Main"


def test_a_member_cannot_create_profiles(
    owner: Persona, member: User, member_client: Client
) -> None:
    response = member_client.post(reverse("accounts:profiles"), {"name": "Nope"})
    assert response.status_code == 403
    assert not Profile.objects.filter(name="Nope").exists()
