"""PreparedQuery: compiled once, then the same rows and instances as the queryset it stands for."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiKey, Profile
from letmepost.prepared import PreparedQuery
from platforms.models import PlatformAccount
from tests.conftest import Persona, connect_sandbox, make_persona

pytestmark = pytest.mark.django_db

KEYS = PreparedQuery(
    lambda workspace, name: ApiKey.objects.select_related(
        "workspace", "profile"
    ).filter(workspace_id=workspace, name=name, revoked_at__isnull=True),
    workspace=uuid.UUID(int=1),
    name="\x00name\x00",
)


def test_same_instances_as_the_queryset_with_related_objects(owner: Persona) -> None:
    scoped = Profile.objects.create(workspace=owner.workspace, name="Scoped", slug="s")
    ApiKey.objects.filter(workspace=owner.workspace).update(profile=scoped)

    [key] = KEYS(workspace=owner.workspace.pk, name="fixture")

    expected = ApiKey.objects.get(workspace=owner.workspace)
    assert [
        (f.attname, getattr(key, f.attname)) for f in ApiKey._meta.concrete_fields
    ] == [
        (f.attname, getattr(expected, f.attname)) for f in ApiKey._meta.concrete_fields
    ]
    with CaptureQueriesContext(connection) as queries:  # related rows came with the key
        assert key.workspace.name == owner.workspace.name
        assert key.profile.name == "Scoped"
    assert len(queries) == 0
    assert isinstance(key.scopes, list)  # converters applied (JSON on SQLite is text)


def test_each_call_binds_its_own_values(owner: Persona) -> None:
    outsider = make_persona("outsider@example.com")

    assert [
        k.workspace_id for k in KEYS(workspace=outsider.workspace.pk, name="fixture")
    ] == [outsider.workspace.pk]
    assert KEYS(workspace=owner.workspace.pk, name="no such key") == []
    ApiKey.objects.filter(workspace=owner.workspace).update(revoked_at=timezone.now())
    assert KEYS(workspace=owner.workspace.pk, name="fixture") == []


def test_uuid_values_as_strings_and_deferred_fields(owner: Persona) -> None:
    account = connect_sandbox(owner, "prepared")
    lookup = PreparedQuery(
        lambda pk: PlatformAccount.objects.filter(pk=pk).defer("credentials"),
        pk=uuid.UUID(int=1),
    )

    [found] = lookup(pk=str(account.pk))

    assert found.pk == account.pk
    assert "credentials" in found.get_deferred_fields()
    assert found.credentials == account.credentials  # loaded on first access


def test_runs_through_djangos_cursor(owner: Persona) -> None:
    with CaptureQueriesContext(connection) as queries:
        KEYS(workspace=owner.workspace.pk, name="fixture")
        KEYS(workspace=owner.workspace.pk, name="fixture")
    assert len(queries) == 2  # execute wrappers and query logging see every run


def test_refuses_a_marker_the_sql_does_not_carry_and_wrong_arguments(
    owner: Persona,
) -> None:
    transformed = PreparedQuery(
        lambda name: ApiKey.objects.filter(name__icontains=name), name="\x00n\x00"
    )
    with pytest.raises(ValueError, match="markers not found"):
        transformed(name="fixture")
    with pytest.raises(TypeError):
        KEYS(workspace=owner.workspace.pk)
