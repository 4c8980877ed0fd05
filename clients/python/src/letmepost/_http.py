"""One HTTP exchange with the API: headers, the Idempotency-Key, retries and error mapping.

Retries happen on 429 and 503 only: both mean "not now" and the server promises no side effect
(429s and 5xx are never stored for idempotent replay). Every other answer, including a 500 or a
dropped connection, is returned or raised at once, because repeating it blindly could hide a
bug or double an effect that the caller should decide about.
"""

from __future__ import annotations

import email.utils
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from letmepost._version import __version__
from letmepost.errors import ConnectionFailedError, LetmepostError, error_from_response

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_STATUSES = frozenset({429, 503})

Query = Mapping[str, str | int | bool | list[str] | None]
BodyFactory = Callable[[], Iterable[bytes]]


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a server's Retry-After wins, up to `max_retry_after`."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        ceiling = min(self.base_delay * 2**attempt, self.max_delay)
        return ceiling * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not crypto


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


@dataclass
class Request:
    """What a resource method asks for; built once, sent once per attempt."""

    method: str
    path: str
    params: Query | None = None
    json: Any = None
    body: BodyFactory | None = (
        None  # streamed bodies (multipart) are rebuilt per attempt
    )
    headers: dict[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None


@dataclass(frozen=True)
class ResponseInfo:
    """Metadata of the last answer (status, request id, idempotent replay flag)."""

    status: int
    headers: httpx.Headers

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    @property
    def replayed(self) -> bool:
        return self.headers.get("idempotency-replayed") == "true"


def _query(params: Query | None) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif isinstance(value, list):
            if value:
                pairs.append((key, ",".join(value)))
        else:
            pairs.append((key, str(value)))
    return pairs


class Transport:
    """Sync transport over one pooled `httpx.Client`."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: float,
        retry: RetryPolicy,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.retry = retry
        self._sleep = sleep
        self._owns_client = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout)
        self.last_response: ResponseInfo | None = None

    def close(self) -> None:
        if self._owns_client:
            self._http.close()

    def _headers(self, request: Request, key: str | None) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            "User-Agent": f"letmepost-python/{__version__}",
            **request.headers,
        }
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def send(self, request: Request) -> Any:
        """The parsed JSON of a 2xx answer, else raise the matching LetmepostError."""
        method = request.method.upper()
        # One key per logical call: the SDK's own retries must replay, never repeat.
        key = (
            request.idempotency_key or new_idempotency_key()
            if method in WRITE_METHODS
            else None
        )
        url = self.base_url + request.path
        attempt = 0
        while True:
            kwargs: dict[str, Any] = {
                "params": _query(request.params),
                "headers": self._headers(request, key),
            }
            if request.body is not None:
                kwargs["content"] = request.body()
            elif request.json is not None:
                kwargs["json"] = request.json
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TimeoutException as exc:
                raise ConnectionFailedError(
                    f"Timed out talking to {self.base_url}: {exc}", code="timeout"
                ) from exc
            except httpx.TransportError as exc:
                raise ConnectionFailedError(
                    f"Could not reach {self.base_url}: {exc}", code="connection_failed"
                ) from exc
            self.last_response = ResponseInfo(response.status_code, response.headers)
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if (
                response.status_code in RETRY_STATUSES
                and attempt < self.retry.max_retries
            ):
                self._sleep(self.retry.delay(attempt, retry_after))
                attempt += 1
                continue
            return _result(response, retry_after)


def _result(response: httpx.Response, retry_after: float | None) -> Any:
    if response.is_success:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise LetmepostError(
                f"HTTP {response.status_code} answered with a body that is not JSON.",
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
            ) from exc
    raise error_from_response(
        response.status_code,
        response.content,
        request_id=response.headers.get("x-request-id"),
        retry_after=retry_after,
    )
