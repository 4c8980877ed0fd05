"""The one factory for outgoing HTTP: `session()`.

Every request letmepost sends (platform APIs, media URLs, probes) goes through a session from here,
so every one of them gets the same guarantees:

* a User-Agent naming this install, so upstream operators can tell who calls them;
* a timeout (connect 5 s, read 30 s) unless the caller passes its own: a hung upstream must never
  hang a worker;
* no automatic retries: a retried POST can publish twice, so retrying is the caller's decision;
* at most `MAX_REDIRECTS` redirects;
* the SSRF guard. URLs come from users (media URLs, webhook receivers), so before each connection
  the host is resolved once and refused if any address is loopback, private, link-local (incl.
  the cloud metadata address 169.254.169.254), CGNAT, multicast, reserved or unspecified, including
  IPv6 forms that embed such an IPv4 address. The socket is then opened to exactly the address
  that was checked, so a DNS answer that changes between check and connect (rebinding) cannot
  slip through; the URL's host name stays in the Host header, TLS SNI and certificate check. The
  check runs at connection time, so every redirect hop is checked the same way.

`LETMEPOST_ALLOW_PRIVATE_URLS` turns the address rule off for a whole install (local development,
tests with loopback receivers). There is deliberately no per-call escape hatch: one rule for all.

Environment proxies (`HTTPS_PROXY`) and `.netrc` are ignored: a proxy resolves names itself, which
would bypass the address check, and `.netrc` could leak credentials to user-supplied hosts.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util.connection import allowed_gai_family, create_connection
from urllib3.util.retry import Retry

from letmepost.errors import ValidationFailed

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
DEFAULT_TIMEOUT = (CONNECT_TIMEOUT, READ_TIMEOUT)
MAX_REDIRECTS = 5
ALLOWED_SCHEMES = frozenset({"http", "https"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges Python's `is_global` lets through but that are not the public internet.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeUrl(ValidationFailed):
    """The URL may not be fetched: a scheme other than http(s), or an address inside a private
    network. Raised before any byte is sent to that address. Rules: `url.scheme`,
    `url.private_address`."""

    template = "This URL may not be fetched."


def _scheme_refused(url: str) -> UnsafeUrl:
    scheme = urlsplit(url).scheme or "(none)"
    return UnsafeUrl(
        f"Only http:// and https:// URLs can be fetched, not {scheme}://.",
        rule="url.scheme",
        remediation="Use a public http:// or https:// URL.",
    )


def _address_refused(host: str, address: str) -> UnsafeUrl:
    return UnsafeUrl(
        f"{host} resolves to {address}, which is not a public internet address.",
        rule="url.private_address",
        remediation=(
            "Use a URL on the public internet. Operators of local installs can allow private "
            "addresses with LETMEPOST_ALLOW_PRIVATE_URLS=true."
        ),
    )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True only for addresses on the public internet; the guard refuses everything else."""
    if isinstance(ip, ipaddress.IPv6Address):
        if (embedded := _embedded_ipv4(ip)) is not None:
            return is_public_address(embedded)
        if ip in _NAT64_LOCAL or ip.is_site_local:
            return False
    return (
        ip.is_global
        and not ip.is_private
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_unspecified
        and not (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT)
    )


def private_urls_allowed() -> bool:
    return bool(getattr(settings, "ALLOW_PRIVATE_URLS", False))


def require_https(scheme: str, field: str, carried: str, remediation: str) -> None:
    """A server address a user gives must be https://, since `carried` (a credential) travels
    over it; plain http only where private URLs are allowed (tests, a server on the LAN)."""
    if scheme == "http" and not private_urls_allowed():
        raise ValidationFailed(
            f"{field} must use https://: {carried} travels over it.",
            rule=field,
            remediation=remediation,
        )


def server_url(value: Any, *, server: str, example: str, carried: str) -> str:
    """The `instanceUrl` a user typed (`example.social`, `https://example.social/`) as
    `https://example.social`; refused unless http(s) with a host, and https (`require_https`).
    `server` names it in errors ("a Mastodon server"), `carried` is what will travel over it."""
    raw = value.strip() if isinstance(value, str) else ""
    if raw and "://" not in raw:
        raw = f"https://{raw}"
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(
            f"instanceUrl {value!r} is not the address of {server}."
            if raw
            else "instanceUrl is required.",
            rule="instanceUrl",
            remediation=f'Send {{"instanceUrl": "{example}"}}, the address of {server}.',
        )
    require_https(
        parts.scheme, "instanceUrl", carried, "Use the server's https:// address."
    )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _resolve(host: str, port: int) -> list[tuple[int, str]]:
    """(family, address) pairs for host, in the resolver's order, without duplicates."""
    infos = socket.getaddrinfo(
        host, port, family=allowed_gai_family(), type=socket.SOCK_STREAM
    )
    seen: dict[tuple[int, str], None] = {}
    for family, _type, _proto, _name, sockaddr in infos:
        seen.setdefault((family, str(sockaddr[0])), None)
    return list(seen)


def check_address(host: str, address: str) -> None:
    """Raise UnsafeUrl unless `address` (what `host` resolved to) may be connected to."""
    if private_urls_allowed():
        return
    if not is_public_address(ipaddress.ip_address(address)):
        raise _address_refused(host, address)


def check_url(url: str) -> None:
    """Validate a URL up front (scheme, and every address its host resolves to).

    For early, friendly errors, e.g. when a webhook receiver is saved. It is not the protection:
    the guard inside `session()` checks again, at every connection, against rebinding.
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"The URL cannot be parsed: {exc}.", rule="url.host") from None
    if parts.scheme not in ALLOWED_SCHEMES:
        raise _scheme_refused(url)
    if not host:
        raise UnsafeUrl(
            "The URL has no host.", rule="url.host", remediation="Use an absolute URL."
        )
    try:
        resolved = _resolve(host, port or 443)
    except (OSError, UnicodeError) as exc:  # gaierror, or a name IDNA cannot encode
        raise UnsafeUrl(
            f"{host} could not be resolved ({exc}).",
            rule="url.host",
            remediation="Check the host name.",
        ) from None
    for _family, address in resolved:
        check_address(host, address)


class _GuardedConnectionMixin:
    """Resolve, check, then connect to the checked address itself (never resolve twice)."""

    _dns_host: str
    host: str
    port: int
    timeout: float | None
    source_address: tuple[str, int] | None
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        name = self._dns_host.strip("[]")
        try:
            resolved = _resolve(name, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        for _family, address in resolved:
            check_address(self.host, address)
        last_error: OSError | None = None
        for _family, address in resolved:
            try:
                sock = create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(
                    self,
                    f"Connection to {self.host} timed out. (connect timeout={self.timeout})",
                ) from exc
            except OSError as exc:
                last_error = exc
                continue
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        raise NewConnectionError(
            self,  # type: ignore[arg-type]
            f"Failed to establish a new connection: {last_error}",
        ) from last_error


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """Pools of guarded connections; a default timeout on every send; no retries, no proxies."""

    def __init__(self) -> None:
        super().__init__(max_retries=Retry(total=0, read=False, redirect=False))

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if proxies:
            # A proxy would resolve the name itself and defeat the address check.
            raise ValueError("platforms.http sessions do not support proxies")
        return super().send(
            request,
            stream=stream,
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            verify=verify,
            cert=cert,
            proxies=None,
        )


class GuardedSession(requests.Session):
    """A Session that refuses non-http(s) URLs (redirect targets too) and unguarded adapters."""

    def send(
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        url = request.url or ""
        if urlsplit(url).scheme not in ALLOWED_SCHEMES:
            raise _scheme_refused(url)
        if not isinstance(self.get_adapter(url), GuardedAdapter):
            # Mounting another adapter would silently drop the guard and the timeouts.
            raise TypeError("platforms.http sessions send only through GuardedAdapter")
        return super().send(request, **kwargs)


@cache
def _version() -> str:
    try:
        return metadata.version("letmepost")
    except metadata.PackageNotFoundError:
        return "0"


def user_agent() -> str:
    return f"letmepost/{_version()} (+{settings.PUBLIC_URL})"


def session() -> requests.Session:
    """A new Session for outgoing calls. Use it as a context manager; don't share it across threads.

    Callers catch `UnsafeUrl` (a `ValidationFailed`, safe to show to the client). Platform clients
    use it through `platforms.upstream.UpstreamClient`, which maps `requests.RequestException`
    (network errors, timeouts, too many redirects) to the catalog; other callers map it themselves.
    """
    s = GuardedSession()
    s.trust_env = False
    s.max_redirects = MAX_REDIRECTS
    s.headers["User-Agent"] = user_agent()
    adapter = GuardedAdapter()
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s
