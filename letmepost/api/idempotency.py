"""`Idempotency-Key` on every authenticated write (spec D9, spec/idempotency.md).

The key is written down in the same transaction as what the request creates, never in one of its
own: a request that completes inside one transaction (most writes) stores its 2xx/3xx answer with
its writes in one commit, so a crash can never leave a created resource without its replay, and a
fresh key costs one read and one INSERT. A concurrent duplicate runs, then loses the race on the
unique index (its own writes roll back) and answers with the winner's stored response, or
`409 idempotency_key.in_flight` while the winner is still running.

Handlers that call upstreams in-request (`idempotency_atomic = False`) `hold()` the key in the
transaction that creates their resource, naming it, so a duplicate meanwhile gets `in_flight` and a
retry after a crash finds the resource instead of creating a second one; they `complete()` when
done. 4xx answers are stored after the handler's writes are rolled back; 5xx and 429 are never
stored, so a retry runs again. Every stored body is encrypted by its model field (it may carry a
new API key or webhook secret), whatever the route.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache, partial

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from letmepost.api.auth import Principal
from letmepost.api.errors import body_too_large, error_response, is_api_path
from letmepost.errors import IdempotencyConflict, LetmepostError, ValidationFailed
from letmepost.models import IdempotencyRecord
from letmepost.prepared import PreparedQuery, insert_new

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255

_recorded = PreparedQuery(
    lambda workspace_id, scope: IdempotencyRecord.objects.filter(
        workspace_id=workspace_id, scope_digest=scope
    ),
    workspace_id=uuid.UUID(int=1),
    scope="\x00scope\x00",
)


class KeyTaken(IdempotencyConflict):
    """A concurrent request with the same key wrote it down first; this one's writes roll back."""

    def __init__(self) -> None:
        super().__init__(
            "A request with this Idempotency-Key is still being processed.",
            rule="idempotency_key.in_flight",
            remediation="Wait for the first request to finish, then retry to receive its response.",
        )


def _sha256(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


def lookup(
    *, principal: Principal, method: str, path: str, key: str, body: bytes
) -> IdempotencyRecord:
    """What `key` holds: a finished record to replay, a dead request's record taken over, or
    a new, unsaved record for this request.

    Raises IdempotencyConflict when the key was used with another body or is still being
    processed by a live request.
    """
    scope = _sha256(principal.credential_id, method, path, key)
    request_hash = _sha256(body)
    now = timezone.now()
    for existing in _recorded(workspace_id=principal.workspace.pk, scope=scope):
        if existing.created_at < now - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS):
            IdempotencyRecord.objects.filter(
                pk=existing.pk, created_at=existing.created_at
            ).delete()
            break
        if existing.request_hash != request_hash:
            raise IdempotencyConflict(
                "This Idempotency-Key was already used with a different request body.",
                rule="idempotency_key.body_mismatch",
                remediation="Send the original body unchanged, or use a new Idempotency-Key.",
            )
        if existing.state == IdempotencyRecord.State.DONE:
            return existing
        if existing.locked_until and existing.locked_until > now:
            raise KeyTaken()
        # The first request died mid-way (its uncommitted writes rolled back with it): take
        # the key over, keeping what it had committed (`resource_id`).
        locked_until = _lock_from(now)
        if not IdempotencyRecord.objects.filter(
            pk=existing.pk,
            state=IdempotencyRecord.State.PROCESSING,
            locked_until=existing.locked_until,
        ).update(locked_until=locked_until):
            raise KeyTaken()
        existing.locked_until = locked_until
        return existing
    return IdempotencyRecord(
        workspace=principal.workspace,
        scope_digest=scope,
        credential=principal.credential_id,
        method=method,
        path=path[:512],
        key=key,
        request_hash=request_hash,
        created_at=now,
    )


def _lock_from(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS)


def _insert(record: IdempotencyRecord) -> None:
    """Write a new record; losing the unique-index race to a concurrent request is `KeyTaken`.

    Inside a transaction, PostgreSQL holds this INSERT until the other request's transaction
    ends (SQLite's write lock does the same): the loser only ever sees a decided key.
    """
    try:
        insert_new([record])
    except IntegrityError:
        record.lost = True  # type: ignore[attr-defined]
        raise KeyTaken() from None


def hold(record: IdempotencyRecord, resource_id: str = "") -> None:
    """Mark the key as in progress, in the caller's transaction, naming what it creates.

    For handlers that own their transactions: a duplicate meanwhile gets `in_flight`, and if the
    process dies before `complete()`, a retry that takes the key over finds the resource instead
    of creating a second one.
    """
    record.resource_id = resource_id
    record.locked_until = _lock_from(timezone.now())
    if record._state.adding:
        _insert(record)
    else:
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            resource_id=resource_id, locked_until=record.locked_until
        )


def complete(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store the response for replay; a no-op when the record was already completed.

    A handler that owns its transactions may complete inside its own; the middleware's call
    after it then writes nothing.
    """
    if record.state == IdempotencyRecord.State.DONE:
        return
    record.state = IdempotencyRecord.State.DONE
    record.locked_until = None
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "application/json")
    record.response_body = bytes(response.content)
    if record._state.adding:
        _insert(record)
        return
    IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyRecord.State.PROCESSING
    ).update(
        state=record.state,
        locked_until=None,
        status_code=record.status_code,
        content_type=record.content_type,
        response_body=record.response_body,
    )


def release(record: IdempotencyRecord) -> None:
    """Forget the reservation so a retry runs the handler again."""
    if not record._state.adding:
        IdempotencyRecord.objects.filter(
            pk=record.pk, state=IdempotencyRecord.State.PROCESSING
        ).delete()


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body or b""),
        status=record.status_code,
        content_type=record.content_type or "application/json",
    )
    response["Idempotency-Replayed"] = "true"
    response["Idempotency-Key"] = record.key
    return response


def purge_expired_idempotency_records() -> int:
    """Delete records past the replay window; a maintenance job."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def request_fingerprint(request: HttpRequest) -> bytes:
    """What "the same body" means: the raw bytes, except for multipart uploads.

    A multipart body is hashed by its fields and file contents, read in chunks from the parsed
    upload (large files are spooled to disk, never held in memory), so a retry whose client picked
    a new boundary still counts as the same request.
    """
    if request.content_type != "multipart/form-data":
        return request.body
    digest = hashlib.sha256()
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"field:{name}={value}\x00".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"file:{name}:{upload.size}\x00".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.digest()


@lru_cache(maxsize=2048)
def _handler_owns_transactions(path: str) -> bool:
    """Views that call upstreams in-request set `idempotency_atomic = False` and complete() themselves."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "cls", None) or getattr(
        match.func, "view_class", None
    )
    return getattr(view_class, "idempotency_atomic", True) is False


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code < 500
        and response.status_code != 429
        and not response.streaming
    )


class IdempotencyMiddleware:
    """Run each authenticated API write in one transaction, remembered under its Idempotency-Key.

    Error answers roll the handler's writes back, with or without a key: a failed request leaves
    nothing behind.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        principal: Principal | None = getattr(request, "principal", None)
        if (
            request.method not in WRITE_METHODS
            or not is_api_path(request.path)
            or principal is None
        ):
            return self.get_response(
                request
            )  # reads, and anonymous calls the view will refuse
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return self._run(request, None)
        if len(key) > MAX_KEY_LENGTH:
            return error_response(
                ValidationFailed(
                    f"Idempotency-Key is {len(key)} characters; the limit is {MAX_KEY_LENGTH}.",
                    rule="idempotency_key.length",
                    remediation="Use a shorter key, e.g. a UUID.",
                ),
                request,
            )
        try:
            look = partial(
                lookup,
                principal=principal,
                method=request.method,
                path=request.path,
                key=key,
                body=request_fingerprint(request),
            )
            record = look()
        except RequestDataTooBig:
            return error_response(body_too_large(), request)
        except LetmepostError as exc:
            return error_response(exc, request)
        if record.state == IdempotencyRecord.State.DONE:
            return replay(record)
        request.idempotency = record  # type: ignore[attr-defined]
        try:
            response = self._run(request, record)
        except KeyTaken:
            response = None
        if getattr(record, "lost", False):
            # A concurrent request with this key wrote it down first: answer as it did.
            try:
                winner = look()
            except LetmepostError as exc:
                return error_response(exc, request)
            if winner.state != IdempotencyRecord.State.DONE:
                return error_response(KeyTaken(), request)
            return replay(winner)
        assert response is not None
        response["Idempotency-Key"] = key
        return response

    def _run(
        self, request: HttpRequest, record: IdempotencyRecord | None
    ) -> HttpResponse:
        try:
            if _handler_owns_transactions(request.path_info):
                response = self.get_response(request)
            else:
                with transaction.atomic():
                    response = self.get_response(request)
                    if response.status_code >= 400:
                        transaction.set_rollback(True)
                    elif record is not None and _storable(response):
                        complete(record, response)
        except KeyTaken:
            raise
        except BaseException:
            if record is not None:
                release(record)
            raise
        if record is not None and not getattr(record, "lost", False):
            if _storable(response):
                complete(record, response)
            else:
                release(record)
        return response
