"""`letmepost login` through the browser (OAuth 2.1 + PKCE), against the live server.

The person's browser is the one thing faked: a small HTTP session that signs in to the
dashboard, submits the consent form, and follows the redirect to the CLI's loopback callback.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import scripted_server
from typer.testing import CliRunner

from letmepost.cli.main import app

EMAIL, PASSWORD = "sdk@example.com", "sdk-pass-123456"  # conftest's bootstrap


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


class Browser:
    """Signs in once, then answers every consent page it is shown."""

    def __init__(self, base_url: str, *, allow: bool = True) -> None:
        self.session = httpx.Client(base_url=base_url, timeout=30)
        self.allow = allow
        self.opened: list[str] = []
        page = self.session.get("/accounts/login/")
        fields = hidden_fields(page.text) | {"login": EMAIL, "password": PASSWORD}
        assert self.session.post("/accounts/login/", data=fields).status_code == 302

    def open(self, url: str, *args: Any, **kwargs: Any) -> bool:
        self.opened.append(url)
        page = self.session.get(url)
        assert page.status_code == 200, page.text[:300]
        fields = hidden_fields(page.text)
        fields["target"] = re.search(r'<option value="(w:[^"]+)"', page.text)[1]  # type: ignore[index]
        if self.allow:
            fields["allow"] = "on"
        answer = self.session.post("/oauth2/authorize", data=fields)
        assert answer.status_code == 302, answer.text[:300]
        httpx.get(answer.headers["location"], timeout=10)  # the CLI's loopback callback
        return True


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    cleared = {k: None for k in os.environ if k.startswith(("LETMEPOST_", "LMP_"))}
    env = {**cleared, "LETMEPOST_CONFIG_DIR": str(tmp_path / "config")}

    def invoke(*args: str, browser: Browser | None = None) -> Any:
        if browser:
            monkeypatch.setattr("webbrowser.open", browser.open)
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)

    invoke.config = tmp_path / "config" / "config.json"  # type: ignore[attr-defined]
    return invoke


def test_login_in_the_browser_stores_a_live_key(cli: Any, server: Any) -> None:
    browser = Browser(server.base_url)
    result = cli("login", "--base-url", server.base_url, "--json", browser=browser)
    assert result.exit_code == 0, result.stderr
    stored = json.loads(cli.config.read_text())
    assert stored["apiKey"].startswith("lmp_live_")
    assert stored["baseUrl"] == server.base_url
    assert stored["clientId"]
    assert cli.config.stat().st_mode & 0o777 == 0o600
    assert "code_challenge_method=S256" in browser.opened[0]
    assert "scope=publish+read+offline_access" in browser.opened[0]
    assert stored["apiKey"] not in result.stdout  # shown masked only

    who = cli("whoami", "--json")
    assert who.exit_code == 0, who.stderr
    assert json.loads(who.stdout)["livemode"] is True

    # A second login reuses the registered client, on another random port.
    again = cli("login", "--base-url", server.base_url, "--json", browser=browser)
    assert again.exit_code == 0, again.stderr
    assert json.loads(cli.config.read_text())["clientId"] == stored["clientId"]


def test_a_denied_login_stores_nothing(cli: Any, server: Any) -> None:
    browser = Browser(server.base_url, allow=False)
    result = cli("login", "--base-url", server.base_url, "--json", browser=browser)
    assert result.exit_code == 1
    assert "access_denied" in result.stdout + result.stderr
    assert not cli.config.exists()


def test_a_server_without_oauth_falls_back_to_pasting_a_key(
    cli: Any, server: Any
) -> None:
    """letmepost.dev's own API answers 404 at /oauth2/authorize: the key is pasted."""
    with scripted_server([(404, {}, b"Not Found")]) as plain:
        result = CliRunner().invoke(
            app,
            ["login", "--base-url", plain.url],
            input="lmp_test_" + "x" * 32 + "\n",
            env={"LETMEPOST_CONFIG_DIR": str(cli.config.parent)},
        )
    assert "paste an API key" in result.stderr
    assert [r.path for r in plain.received][:1] == ["/oauth2/authorize"]
