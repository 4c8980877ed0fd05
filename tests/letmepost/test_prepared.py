"""PreparedQuery and insert_new: compiled once, then the same rows as the ORM reads and writes."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiKey, Profile
from letmepost.models import IdempotencyRecord
from letmepost.prepared import PreparedQuery, insert_new
from platforms.models import PlatformAccount
from posts.models import Post, PostTarget
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


def _fields(obj: object, model: type) -> list[tuple[str, object]]:
    return [(f.attname, getattr(obj, f.attname)) for f in model._meta.concrete_fields]


def test_insert_new_writes_what_the_orm_reads_back(owner: Persona) -> None:
    account = connect_sandbox(owner, "insert")
    post = Post(workspace=owner.workspace, user=owner.user, livemode=False)
    insert_new([post])
    targets = [
        PostTarget(
            post=post,
            workspace=owner.workspace,
            profile=owner.profile,
            account=account,
            platform="sandbox",
            position=position,
            text=f"héllo {position} 👋",
            media=[{"url": "https://example.com/a.png", "alt": None}],
            options={"platform": "sandbox", "nested": {"n": position}},
            status=PostTarget.Status.PUBLISHING,
            lease_until=timezone.now(),
            due_at=timezone.now(),
        )
        for position in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_new(targets)

    assert len(queries) == 1  # one statement for every row, through Django's cursor
    assert post.created_at is not None  # auto_now_add ran as in save()
    assert all(not t._state.adding for t in targets)
    stored = PostTarget.objects.filter(post=post).order_by("position")
    assert [_fields(t, PostTarget) for t in stored] == [
        _fields(t, PostTarget) for t in targets
    ]
    assert _fields(Post.objects.get(pk=post.pk), Post) == _fields(post, Post)


def test_insert_new_reads_back_an_auto_key_and_encrypts(owner: Persona) -> None:
    records = [
        IdempotencyRecord(
            workspace=owner.workspace,
            scope_digest=f"digest-{n}",
            credential="key",
            method="POST",
            path="/v1/posts",
            key=f"k{n}",
            request_hash="h",
            response_body=b'{"id": "secret"}',
            created_at=timezone.now(),
        )
        for n in range(2)
    ]
    insert_new(records)

    assert records[0].pk is not None and records[1].pk == records[0].pk + 1
    stored = IdempotencyRecord.objects.get(pk=records[1].pk)
    assert stored.key == "k1" and bytes(stored.response_body) == b'{"id": "secret"}'
    with connection.cursor() as cursor:  # encrypted at rest, as save() does
        cursor.execute(
            "SELECT response_body FROM letmepost_idempotencyrecord WHERE id = %s",
            [stored.pk],
        )
        assert b"secret" not in bytes(cursor.fetchone()[0])


def test_a_failed_insert_marks_the_transaction_for_rollback(owner: Persona) -> None:
    def record() -> IdempotencyRecord:
        return IdempotencyRecord(
            workspace=owner.workspace,
            scope_digest="same",
            credential="key",
            method="POST",
            path="/",
            key="k",
            request_hash="h",
            created_at=timezone.now(),
        )

    insert_new([record()])
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert_new([record()])
        assert transaction.get_rollback()  # as Model.save leaves it


def test_insert_new_refuses_mixed_models(owner: Persona) -> None:
    with pytest.raises(TypeError, match="one model"):
        insert_new(
            [Post(workspace=owner.workspace), Profile(workspace=owner.workspace)]
        )
