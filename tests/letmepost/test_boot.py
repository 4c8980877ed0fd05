"""Booting the real process: settings from the environment, `serve` and `bootstrap`.

Each test runs `manage.py` in a subprocess with a fresh LETMEPOST_DATA_DIR, so nothing here shares
the test database or this process's settings. Every subprocess has a timeout, and a server is
awaited for at most SERVE_WAIT seconds: the whole file takes a few seconds and can never hang.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]
# Hang guards, not timings: generous, since CI runs these beside a loaded suite on two cores.
COMMAND_TIMEOUT = (
    120  # seconds for one `manage.py` run that is expected to exit by itself
)
SERVE_WAIT = 60  # seconds for `serve` to answer /health
STOP_TIMEOUT = 15  # seconds for `serve` to exit after SIGTERM

EMAIL = "e@example.com"
PASSWORD = "long-password-123"

# Never talk to a proxy from here, whatever the environment says: the server is on loopback.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def boot_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """Our environment without services or LETMEPOST_* variables, for a fresh data dir.

    tests/settings.py puts test secrets and a data dir into os.environ, and a developer's shell may
    carry its own: a boot test must see only the variables it sets on purpose.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
        and not name.startswith("LETMEPOST_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "letmepost.settings"
    env["LETMEPOST_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, key: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with _http.open(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM the process group, as a supervisor would, and return the exit code."""
        os.killpg(self.process.pid, signal.SIGTERM)
        return self.process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def serving(env: dict[str, str]) -> Iterator[Server]:
    """Run `manage.py serve` on a free port until /health answers 200; always reap it."""
    port = free_port()
    log = Path(env["LETMEPOST_DATA_DIR"]) / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve"],
            cwd=REPO,
            env={**env, "LETMEPOST_PORT": str(port)},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches everything
        )
    server = Server(process=process, url=f"http://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + SERVE_WAIT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"serve exited with {process.returncode}:\n{server.output()}"
                )
            try:
                if http_get(f"{server.url}/health")[0] == 200:
                    break
            except (OSError, ValueError):
                pass  # not listening yet
            if time.monotonic() > deadline:
                pytest.fail(
                    f"/health did not answer within {SERVE_WAIT}s:\n{server.output()}"
                )
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)


def production_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    secret_key = secrets.token_urlsafe(45)
    assert len(secret_key) == 60
    return boot_env(
        data_dir,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/letmepost_deploycheck",
        LETMEPOST_SECRET_KEY=secret_key,
        LETMEPOST_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        LETMEPOST_PUBLIC_URL="https://api.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
        **overrides,
    )


# --- settings at boot ----------------------------------------------------------------------


def test_check_deploy_passes_at_warning_level_with_production_settings(
    tmp_path: Path,
) -> None:
    # The letmepost_deploycheck database does not exist: the deploy checks must not need it.
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_postgres_without_a_secret_key_stops_the_boot_naming_the_variable(
    tmp_path: Path,
) -> None:
    env = production_env(tmp_path)
    del env["LETMEPOST_SECRET_KEY"]
    result = manage("serve", env={**env, "LETMEPOST_PORT": str(free_port())})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "LETMEPOST_SECRET_KEY is required" in result.stderr
    # Production mode never falls back to generated secrets.
    assert not (tmp_path / "secrets.json").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LETMEPOST_RATE_LIMIT", "abc"),
        ("LETMEPOST_ENCRYPTION_KEYS", "not-a-key"),
        ("LETMEPOST_DEBUG", "maybe"),
        ("LETMEPOST_PUBLIC_URL", "not a url"),
    ],
)
def test_a_bad_value_stops_the_boot_naming_the_variable(
    tmp_path: Path, name: str, value: str
) -> None:
    env = boot_env(tmp_path, **{name: value, "LETMEPOST_PORT": str(free_port())})
    result = manage("serve", env=env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert name in last_line


# --- serve ---------------------------------------------------------------------------------


def test_serve_answers_health_uses_wal_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    with serving(boot_env(tmp_path)) as server:
        assert http_get(f"{server.url}/health") == (200, {"status": "ok"})
        database = tmp_path / "db.sqlite3"
        assert database.exists()
        with sqlite3.connect(database) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # Exit code 0, not death by SIGTERM: uvicorn drained, then the runner was stopped.
        assert server.stop() == 0, server.output()


# --- bootstrap -----------------------------------------------------------------------------


def bootstrap(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return manage("bootstrap", "--email", EMAIL, *extra, env=env)


def printed_json(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


def test_bootstrap_prints_one_json_line_reuses_the_user_and_mints_working_keys(
    tmp_path: Path,
) -> None:
    env = boot_env(tmp_path)

    first = printed_json(bootstrap(env, "--password", PASSWORD, "--test-key"))
    assert list(first) == ["userId", "workspaceId", "profileId", "apiKey"]
    for name in ("userId", "workspaceId", "profileId"):
        uuid.UUID(first[name])
    assert first["apiKey"].startswith("lmp_test_")
    assert len(first["apiKey"]) == 41

    second = printed_json(bootstrap(env, "--password", PASSWORD))
    assert {k: second[k] for k in ("userId", "workspaceId", "profileId")} == {
        k: first[k] for k in ("userId", "workspaceId", "profileId")
    }
    assert second["apiKey"].startswith("lmp_live_")
    assert len(second["apiKey"]) == 41
    assert second["apiKey"] != first["apiKey"]

    wrong = bootstrap(env, "--password", "not-the-password-123")
    assert wrong.returncode != 0
    assert wrong.stdout == ""  # no key for the wrong password
    assert "password does not match" in wrong.stderr

    with serving(env) as server:
        for key in (second["apiKey"], first["apiKey"]):
            status, body = http_get(f"{server.url}/v1/profiles", key)
            assert status == 200, body
            assert [profile["id"] for profile in body["data"]] == [first["profileId"]]
            assert body["data"][0]["slug"] == "default"
        status, body = http_get(f"{server.url}/v1/profiles", "lmp_live_" + "x" * 32)
        assert status == 401
        assert body["error"]["code"] == "unauthenticated"
        assert server.stop() == 0, server.output()


def test_processes_started_together_on_a_fresh_data_dir_migrate_it_once(
    tmp_path: Path,
) -> None:
    # `make run` and the README's bootstrap in a second terminal both migrate an empty data dir
    # first. Two bootstraps started at once are the sharpest case: without the lock they plan the
    # same migrations and one fails ("table ... already exists", "database is locked").
    env = boot_env(tmp_path)
    bootstraps = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [
                sys.executable,
                "manage.py",
                "bootstrap",
                "--email",
                f"b{n}@example.com",
                "--password",
                PASSWORD,
            ],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    try:
        outputs = [p.communicate(timeout=2 * COMMAND_TIMEOUT) for p in bootstraps]
    finally:
        for process in bootstraps:
            process.kill()
    for process, (_, stderr) in zip(bootstraps, outputs, strict=True):
        assert process.returncode == 0, stderr
    with serving(env) as server:
        for stdout, _ in outputs:
            key = json.loads(stdout)["apiKey"]
            assert http_get(f"{server.url}/v1/profiles", key)[0] == 200
