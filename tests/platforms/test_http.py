"""platforms.http: the one outgoing session (User-Agent, timeouts, no retries, the SSRF guard).

Every test runs against real sockets on 127.0.0.1. A tripwire refuses any connection to another
address, so a guard that failed would show up as a wrong exception, never as traffic.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import responses
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from platforms import http
from tests.media.loopback import (
    LoopbackServer,
    echo_header,
    hang_up,
    loopback_server,
    redirect,
    reply,
    sleep_then,
)


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Addresses the code tried to connect to; anything but loopback is refused here."""
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: tuple) -> None:
        host = str(address[0])
        attempts.append(host)
        ip = ipaddress.ip_address(host.split("%", 1)[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        if not (ip.is_loopback or (mapped is not None and mapped.is_loopback)):
            raise ConnectionRefusedError(f"tripwire: no connections to {host} in tests")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with loopback_server({"/ok": reply(b"hello")}) as srv:
        yield srv


@pytest.fixture
def allow_private(settings) -> None:
    settings.ALLOW_PRIVATE_URLS = True


def refused(exc: pytest.ExceptionInfo[http.UnsafeUrl]) -> str:
    assert exc.value.status == 400 and exc.value.code == "validation_failed"
    return str(exc.value.rule)


LOOPBACK_FORMS = [
    "127.0.0.1",
    "localhost",
    "2130706433",  # decimal
    "0x7f.1",  # hex + short form
    "127.1",
    "017700000001",  # octal
    "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
]


@pytest.mark.parametrize("host", LOOPBACK_FORMS)
def test_loopback_in_any_spelling_is_refused_before_connecting(
    server: LoopbackServer, connections: list[str], host: str
) -> None:
    with http.session() as s, pytest.raises(http.UnsafeUrl) as exc:
        s.get(server.url("/ok", host=host))
    assert refused(exc) == "url.private_address"
    assert "LETMEPOST_ALLOW_PRIVATE_URLS" in exc.value.fields["remediation"]
    assert connections == [] and server.hits("/ok") == 0


@pytest.mark.parametrize("host", LOOPBACK_FORMS)
def test_allow_private_urls_lets_the_same_request_through(
    server: LoopbackServer, allow_private: None, host: str
) -> None:
    with http.session() as s:
        response = s.get(server.url("/ok", host=host))
    assert response.status_code == 200 and response.content == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 form of the metadata address
        "http://[2002:a9fe:a9fe::1]/",  # 6to4 form of it
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # CGNAT
        "http://0.0.0.0:80/",
        "http://0/",
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
        "http://[::]/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[fec0::1]/",  # deprecated site-local
        "https://169.254.169.254/",
    ],
)
def test_private_and_special_addresses_are_refused_without_a_packet(
    url: str, connections: list[str]
) -> None:
    with http.session() as s, pytest.raises(http.UnsafeUrl) as exc:
        s.get(url)
    assert refused(exc) == "url.private_address"
    assert connections == []


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "2a00:1450::6440:1",
    ],
)
def test_public_addresses_pass_the_check(address: str) -> None:
    assert http.is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/x.png"]
)
def test_only_http_and_https_schemes(url: str, allow_private: None) -> None:
    with http.session() as s, pytest.raises(http.UnsafeUrl) as exc:
        s.get(url)
    assert refused(exc) == "url.scheme"


def test_user_agent_names_letmepost_and_the_public_url(
    server: LoopbackServer, allow_private: None, settings
) -> None:
    server.routes["/ua"] = echo_header("User-Agent")
    with http.session() as s:
        agent = s.get(server.url("/ua")).text
    assert agent.startswith("letmepost/") and agent.endswith(
        f"(+{settings.PUBLIC_URL})"
    )
    assert agent == http.user_agent()


# --- redirects: every hop is checked -----------------------------------------------------


@responses.activate
def test_a_public_page_redirecting_to_loopback_is_refused(
    server: LoopbackServer,
) -> None:
    responses.add(
        responses.GET,
        "http://media.example.com/a.png",
        status=302,
        headers={"Location": server.url("/ok")},
    )
    responses.add_passthru(server.url(""))
    with http.session() as s, pytest.raises(http.UnsafeUrl) as exc:
        s.get("http://media.example.com/a.png")
    assert refused(exc) == "url.private_address"
    assert server.hits("/ok") == 0


@responses.activate
def test_the_same_redirect_is_followed_when_private_urls_are_allowed(
    server: LoopbackServer, allow_private: None
) -> None:
    responses.add(
        responses.GET,
        "http://media.example.com/a.png",
        status=302,
        headers={"Location": server.url("/ok")},
    )
    responses.add_passthru(server.url(""))
    with http.session() as s:
        response = s.get("http://media.example.com/a.png")
    assert response.status_code == 200 and response.content == b"hello"
    assert server.hits("/ok") == 1


@responses.activate
def test_a_redirect_to_the_metadata_address_is_refused(
    connections: list[str],
) -> None:
    responses.add(
        responses.GET,
        "http://media.example.com/a.png",
        status=301,
        headers={"Location": "http://169.254.169.254/latest/meta-data/iam/"},
    )
    responses.add_passthru("http://169.254.169.254")
    with http.session() as s, pytest.raises(http.UnsafeUrl) as exc:
        s.get("http://media.example.com/a.png")
    assert refused(exc) == "url.private_address"
    assert connections == []


@responses.activate
def test_a_redirect_to_another_scheme_is_refused() -> None:
    responses.add(
        responses.GET,
        "http://media.example.com/a.png",
        status=302,
        headers={"Location": "file:///etc/passwd"},
    )
    with http.session() as s, pytest.raises(http.UnsafeUrl) as exc:
        s.get("http://media.example.com/a.png")
    assert refused(exc) == "url.scheme"


def test_a_loopback_redirect_to_loopback_is_refused_at_the_first_hop(
    server: LoopbackServer,
) -> None:
    server.routes["/hop"] = redirect(server.url("/ok"))
    with http.session() as s, pytest.raises(http.UnsafeUrl):
        s.get(server.url("/hop"))
    assert server.seen == []


def test_redirects_stop_after_the_hop_limit(
    server: LoopbackServer, allow_private: None
) -> None:
    server.routes["/loop"] = redirect("/loop")
    with http.session() as s, pytest.raises(requests.TooManyRedirects):
        s.get(server.url("/loop"))
    assert server.hits("/loop") == http.MAX_REDIRECTS + 1


# --- timeouts and retries ------------------------------------------------------------------


@responses.activate
def test_every_request_gets_the_default_timeout() -> None:
    responses.add(responses.GET, "https://api.example.com/x", body="{}")
    with http.session() as s:
        s.get("https://api.example.com/x")
        s.get("https://api.example.com/x", timeout=3)
    sent = [call.request.req_kwargs["timeout"] for call in responses.calls]
    assert sent == [http.DEFAULT_TIMEOUT, 3]
    assert http.DEFAULT_TIMEOUT == (5.0, 30.0)


def test_a_callers_timeout_is_enforced_on_a_slow_server(
    server: LoopbackServer, allow_private: None
) -> None:
    server.routes["/slow"] = sleep_then(2, reply(b"late"))
    with http.session() as s, pytest.raises(requests.ReadTimeout):
        s.get(server.url("/slow"), timeout=(1, 0.3))


def test_a_dropped_connection_is_not_retried(
    server: LoopbackServer, allow_private: None
) -> None:
    server.routes["/drop"] = hang_up
    with http.session() as s, pytest.raises(requests.ConnectionError):
        s.get(server.url("/drop"))
    # urllib3 resends a GET whose connection dropped when retries are on
    assert server.hits("/drop") == 1


def test_a_server_error_is_returned_not_retried(
    server: LoopbackServer, allow_private: None
) -> None:
    server.routes["/busy"] = reply(b"busy", 503, {"Retry-After": "1"})
    with http.session() as s:
        assert s.get(server.url("/busy")).status_code == 503
    assert server.hits("/busy") == 1


def test_proxies_from_the_environment_are_ignored(
    server: LoopbackServer,
    allow_private: None,
    monkeypatch: pytest.MonkeyPatch,
    connections: list[str],
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.9.9.9:3128")
    with http.session() as s:
        assert s.get(server.url("/ok")).content == b"hello"
    assert connections == ["127.0.0.1"]


def test_explicit_proxies_are_refused(server: LoopbackServer) -> None:
    with http.session() as s, pytest.raises(ValueError, match="proxies"):
        s.get(server.url("/ok"), proxies={"http": "http://127.0.0.1:9"})


def test_the_guard_cannot_be_unmounted(server: LoopbackServer) -> None:
    with http.session() as s:
        s.mount("http://", requests.adapters.HTTPAdapter())
        with pytest.raises(TypeError, match="GuardedAdapter"):
            s.get(server.url("/ok"))
    assert server.seen == []


# --- DNS: resolved once, connected to exactly what was checked -----------------------------


def fake_dns(
    monkeypatch: pytest.MonkeyPatch, name: str, answers: list[list[str]]
) -> list[str]:
    """Answer `name` with the next address list on each lookup (a rebinding resolver)."""
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host != name:
            return real(host, port, family, type, proto, flags)
        lookups.append(host)
        current = answers[min(len(lookups), len(answers)) - 1]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in current
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def test_dns_rebinding_cannot_switch_the_address_after_the_check(
    monkeypatch: pytest.MonkeyPatch, connections: list[str]
) -> None:
    # First answer public (passes the check), every later answer loopback.
    lookups = fake_dns(
        monkeypatch, "rebind.example", [["93.184.215.14"], ["127.0.0.1"]]
    )
    with http.session() as s, pytest.raises(requests.ConnectionError):
        s.get("http://rebind.example/")
    assert lookups == ["rebind.example"]  # resolved once, not again by urllib3
    assert connections == [
        "93.184.215.14"
    ]  # the checked address, refused by the tripwire


def test_one_private_address_among_public_ones_refuses_the_host(
    monkeypatch: pytest.MonkeyPatch, connections: list[str]
) -> None:
    fake_dns(monkeypatch, "mixed.example", [["93.184.215.14", "10.0.0.7"]])
    with http.session() as s, pytest.raises(http.UnsafeUrl):
        s.get("http://mixed.example/")
    assert connections == []


def test_check_url_gives_early_answers(allow_private: None, settings) -> None:
    http.check_url("http://localhost/")
    settings.ALLOW_PRIVATE_URLS = False
    for url, rule in [
        ("http://localhost/", "url.private_address"),
        ("ftp://example.com/", "url.scheme"),
        ("http:///nohost", "url.host"),
        ("http://example.com:99999/", "url.host"),
        ("http://" + "a" * 70 + ".example/", "url.host"),
    ]:
        with pytest.raises(http.UnsafeUrl) as exc:
            http.check_url(url)
        assert exc.value.rule == rule


# --- TLS: the pinned address keeps SNI and certificate checks on the host name --------------


def self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def tls_context(cert: Path, key: Path, sni: list[str | None]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: sni.append(name)
    return context


def test_https_keeps_sni_host_header_and_verification(
    tmp_path: Path, allow_private: None
) -> None:
    cert, key = self_signed(tmp_path, "localhost")
    sni: list[str | None] = []
    with (
        loopback_server(
            {"/host": echo_header("Host")}, tls=tls_context(cert, key, sni)
        ) as srv,
        http.session() as s,
    ):
        response = s.get(srv.url("/host", host="localhost"), verify=str(cert))
    assert response.status_code == 200
    assert response.text == f"localhost:{srv.port}"
    assert sni == ["localhost"]


def test_https_refuses_a_certificate_for_another_name(
    tmp_path: Path, allow_private: None
) -> None:
    cert, key = self_signed(tmp_path, "other.example")
    with (
        loopback_server(
            {"/host": echo_header("Host")}, tls=tls_context(cert, key, [])
        ) as srv,
        http.session() as s,
        pytest.raises(requests.exceptions.SSLError),
    ):
        s.get(srv.url("/host", host="localhost"), verify=str(cert))
