"""API keys page: mint (shown once), revoke, and only owners and admins may."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, User
from accounts.services import authenticate_api_key, create_profile
from tests.conftest import Persona


def test_owner_mints_a_key_and_sees_the_secret_once(
    owner: Persona, owner_client: Client
) -> None:
    profile = create_profile(workspace=owner.workspace, name="Brand")
    response = owner_client.post(
        reverse("accounts:api-keys"),
        {"name": "CI", "prefix": "lmp_test_", "profile_id": str(profile.pk)},
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="CI")
    assert key.prefix == "lmp_test_" and key.profile == profile
    html = response.content.decode()
    secret = html.split('id="minted-secret" class="secret" readonly value="', 1)[
        1
    ].split('"', 1)[0]
    assert secret.startswith("lmp_test_")
    assert authenticate_api_key(secret) == key
    assert secret not in owner_client.get(reverse("accounts:api-keys")).content.decode()


def test_a_member_cannot_mint_keys(
    owner: Persona, member: User, member_client: Client
) -> None:
    before = ApiKey.objects.count()
    response = member_client.post(
        reverse("accounts:api-keys"), {"name": "sneaky", "prefix": "lmp_live_"}
    )
    assert response.status_code == 403
    assert ApiKey.objects.count() == before
    page = member_client.get(reverse("accounts:api-keys")).content.decode()
    assert "Create key" not in page and "Only owners and admins" in page


def test_a_member_cannot_revoke_keys(
    owner: Persona, member: User, member_client: Client
) -> None:
    key = ApiKey.objects.get(workspace=owner.workspace)
    response = member_client.post(reverse("accounts:api-key-revoke", args=[key.pk]))
    assert response.status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_key_needs_a_name_shown_inline(owner_client: Client) -> None:
    response = owner_client.post(
        reverse("accounts:api-keys"), {"name": "", "prefix": "lmp_live_"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field-error"' in html and "required" in html


def test_owner_revokes_a_key(owner: Persona, owner_client: Client) -> None:
    key = ApiKey.objects.get(workspace=owner.workspace)
    owner_client.post(reverse("accounts:api-key-revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert authenticate_api_key(owner.key) is None


def test_another_workspaces_key_is_not_found(
    owner: Persona, outsider: Persona, owner_client: Client
) -> None:
    theirs = ApiKey.objects.get(workspace=outsider.workspace)
    response = owner_client.post(reverse("accounts:api-key-revoke", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
