"""`Idempotency-Key` on every authenticated write (spec D9, spec/idempotency.md).

The key is reserved in its own committed transaction before the handler runs, so a concurrent
duplicate finds it and gets `409 idempotency_key.in_flight`. The handler and the stored 2xx/3xx
response then commit in one transaction: either both exist or neither does, so a crash can never
leave a created resource without its replay. 4xx answers are stored after the handler's writes are
rolled back; 5xx and 429 are never stored, so a retry runs again. Every stored body is encrypted
by its model field (it may carry a new API key or webhook secret), whatever the route.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from letmepost.api.auth import Principal
from letmepost.api.errors import body_too_large, error_response, is_api_path
from letmepost.errors import IdempotencyConflict, LetmepostError, ValidationFailed
from letmepost.models import IdempotencyRecord

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255


def _sha256(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


def reserve(
    *, principal: Principal, method: str, path: str, key: str, body: bytes
) -> IdempotencyRecord:
    """Claim `key` for this request, or return the finished record to replay.

    Raises IdempotencyConflict when the key was used with another body or is still being
    processed by a live request.
    """
    scope = _sha256(principal.credential_id, method, path, key)
    request_hash = _sha256(body)
    for _ in range(
        3
    ):  # an expired or abandoned row is replaced; losing that race retries
        now = timezone.now()
        try:
            # Alone, the INSERT commits by itself (no BEGIN/COMMIT pair); inside a caller's
            # transaction a savepoint keeps a unique-key clash from breaking it.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                return IdempotencyRecord.objects.create(
                    workspace=principal.workspace,
                    scope_digest=scope,
                    credential=principal.credential_id,
                    method=method,
                    path=path[:512],
                    key=key,
                    request_hash=request_hash,
                    locked_until=now
                    + timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS),
                    created_at=now,
                )
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(
            workspace=principal.workspace, scope_digest=scope
        ).first()
        if existing is None:
            continue
        if existing.created_at < now - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS):
            IdempotencyRecord.objects.filter(
                pk=existing.pk, created_at=existing.created_at
            ).delete()
            continue
        if existing.request_hash != request_hash:
            raise IdempotencyConflict(
                "This Idempotency-Key was already used with a different request body.",
                rule="idempotency_key.body_mismatch",
                remediation="Send the original body unchanged, or use a new Idempotency-Key.",
            )
        if existing.state == IdempotencyRecord.State.DONE:
            return existing
        if existing.locked_until and existing.locked_until > now:
            raise _in_flight()
        # The first request died mid-way (its writes rolled back with it): take the key over.
        taken = IdempotencyRecord.objects.filter(
            pk=existing.pk,
            state=IdempotencyRecord.State.PROCESSING,
            locked_until=existing.locked_until,
        ).update(
            locked_until=now + timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS)
        )
        if taken:
            existing.refresh_from_db()
            return existing
        raise _in_flight()
    raise _in_flight()


def _in_flight() -> IdempotencyConflict:
    return IdempotencyConflict(
        "A request with this Idempotency-Key is still being processed.",
        rule="idempotency_key.in_flight",
        remediation="Wait for the first request to finish, then retry to receive its response.",
    )


def complete(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store the response for replay; a no-op when the record was already completed.

    A handler that owns its transactions may complete inside its own; the middleware's call
    after it then writes nothing.
    """
    if record.state == IdempotencyRecord.State.DONE:
        return
    IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyRecord.State.PROCESSING
    ).update(
        state=IdempotencyRecord.State.DONE,
        locked_until=None,
        status_code=response.status_code,
        content_type=response.get("Content-Type", "application/json"),
        response_body=bytes(response.content),
    )
    record.state = IdempotencyRecord.State.DONE


def bind(record: IdempotencyRecord, resource_id: str) -> None:
    """Remember what this key created, in the creating transaction.

    For handlers that own their transactions: if the process dies before the response is stored,
    a retry that takes the key over finds the resource instead of creating a second one.
    """
    IdempotencyRecord.objects.filter(pk=record.pk).update(resource_id=resource_id)
    record.resource_id = resource_id


def release(record: IdempotencyRecord) -> None:
    """Forget the reservation so a retry runs the handler again."""
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


def _handler_owns_transactions(request: HttpRequest) -> bool:
    """Views that call upstreams in-request set `idempotency_atomic = False` and complete() themselves."""
    try:
        match = resolve(request.path_info)
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
            record = reserve(
                principal=principal,
                method=request.method,
                path=request.path,
                key=key,
                body=request_fingerprint(request),
            )
        except RequestDataTooBig:
            return error_response(body_too_large(), request)
        except LetmepostError as exc:
            return error_response(exc, request)
        if record.state == IdempotencyRecord.State.DONE:
            return replay(record)
        request.idempotency = record  # type: ignore[attr-defined]
        response = self._run(request, record)
        response["Idempotency-Key"] = key
        return response

    def _run(
        self, request: HttpRequest, record: IdempotencyRecord | None
    ) -> HttpResponse:
        try:
            if _handler_owns_transactions(request):
                response = self.get_response(request)
            else:
                with transaction.atomic():
                    response = self.get_response(request)
                    if response.status_code >= 400:
                        transaction.set_rollback(True)
                    elif record is not None:
                        complete(record, response)
        except BaseException:
            if record is not None:
                release(record)
            raise
        if record is not None:
            if _storable(response):
                complete(record, response)
            else:
                release(record)
        return response
