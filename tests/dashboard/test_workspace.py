"""The workspace switcher: only workspaces the person belongs to."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Workspace
from accounts.services import create_workspace
from letmepost.api.auth import SESSION_WORKSPACE_KEY
from tests.conftest import Persona


def test_switch_to_own_workspace_sets_the_session(
    owner: Persona, owner_client: Client
) -> None:
    second = create_workspace(owner=owner.user, name="Second")
    response = owner_client.post(
        reverse("accounts:switch-workspace"), {"workspace": str(second.pk)}
    )
    assert response.status_code == 302
    assert owner_client.session[SESSION_WORKSPACE_KEY] == str(second.pk)
    home = owner_client.get(reverse("home"))
    assert "<h1>Second</h1>" in home.content.decode()


def test_switch_to_someone_elses_workspace_is_not_found(
    owner: Persona, outsider: Persona, owner_client: Client
) -> None:
    response = owner_client.post(
        reverse("accounts:switch-workspace"), {"workspace": str(outsider.workspace.pk)}
    )
    assert response.status_code == 404
    assert SESSION_WORKSPACE_KEY not in owner_client.session
    home = owner_client.get(reverse("home")).content.decode()
    assert outsider.workspace.name not in home


def test_switch_with_garbage_is_not_found(owner_client: Client) -> None:
    response = owner_client.post(
        reverse("accounts:switch-workspace"), {"workspace": "x"}
    )
    assert response.status_code == 404


def test_switcher_lists_only_own_workspaces(
    owner: Persona, outsider: Persona, owner_client: Client
) -> None:
    html = owner_client.get(reverse("home")).content.decode()
    assert str(owner.workspace.pk) in html
    assert str(outsider.workspace.pk) not in html


def test_create_workspace_makes_the_person_its_owner_and_switches(
    owner: Persona, owner_client: Client
) -> None:
    response = owner_client.post(
        reverse("accounts:create-workspace"), {"name": "Agency"}
    )
    assert response.status_code == 302
    workspace = Workspace.objects.get(name="Agency")
    assert Membership.objects.get(workspace=workspace, user=owner.user).role == "owner"
    assert owner_client.session[SESSION_WORKSPACE_KEY] == str(workspace.pk)


def test_someone_without_a_workspace_is_offered_to_create_one(
    owner: Persona, owner_client: Client
) -> None:
    Membership.objects.filter(user=owner.user).delete()
    page = owner_client.get(reverse("home"))
    assert page.status_code == 200
    assert "You are not in a workspace" in page.content.decode()
    owner_client.post(reverse("accounts:create-workspace"), {"name": "Fresh start"})
    assert owner_client.get(reverse("home")).status_code == 200
    assert Membership.objects.filter(user=owner.user, role="owner").count() == 1
