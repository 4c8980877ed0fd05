"""Where the CLI's API key and base URL come from: flags, then env, then the config file.

The environment variables of letmepost.dev's `lmp` CLI work too (`LMP_API_KEY`, `LMP_API_BASE`);
ours win when both are set. The file also keeps the profile chosen with `profiles use`.

The file is `config.json` in the user config dir (`~/.config/letmepost/` on Linux, Typer's
`get_app_dir` elsewhere; `LETMEPOST_CONFIG_DIR` moves it), written 0600 in a 0700 folder
because it holds a secret.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from letmepost._http import DEFAULT_BASE_URL

KEY_ENV = "LETMEPOST_API_KEY"
BASE_ENV = "LETMEPOST_BASE_URL"
KEY_ENV_ALIAS = "LMP_API_KEY"
BASE_ENV_ALIAS = "LMP_API_BASE"
DIR_ENV = "LETMEPOST_CONFIG_DIR"


class ConfigError(Exception):
    """The stored config cannot be read."""


def config_path() -> Path:
    folder = os.environ.get(DIR_ENV) or typer.get_app_dir("letmepost")
    return Path(folder) / "config.json"


def _read() -> dict[str, Any]:
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from exc
    return data if isinstance(data, dict) else {}


def load() -> dict[str, str]:
    return {k: v for k, v in _read().items() if isinstance(v, str)}


def save(*, api_key: str, base_url: str) -> Path:
    return _write({"apiKey": api_key, "baseUrl": base_url})


def _write(data: dict[str, Any]) -> Path:
    path = config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # create with 0600 from the start: the key must never be readable by others, even briefly
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    path.chmod(0o600)
    return path


def stored_profile() -> str | None:
    """The profile `profiles use` chose, sent as `profileId` when a command gets no --profile."""
    return load().get("profileId") or None


def remember(**values: str) -> Path:
    """Add values to the stored config (`login` keeps its OAuth client registration)."""
    return _write({**_read(), **values})


def forget() -> bool:
    path = config_path()
    if path.exists():
        path.unlink()
        return True
    return False


@dataclass(frozen=True)
class Settings:
    api_key: str
    base_url: str
    key_source: str  # flag | env | config | none


def resolve(*, api_key: str | None = None, base_url: str | None = None) -> Settings:
    stored = load()
    if api_key:
        key, source = api_key, "flag"
    elif env_key := os.environ.get(KEY_ENV) or os.environ.get(KEY_ENV_ALIAS):
        key, source = env_key.strip(), "env"
    elif stored.get("apiKey"):
        key, source = stored["apiKey"], "config"
    else:
        key, source = "", "none"
    base = (
        base_url
        or os.environ.get(BASE_ENV)
        or os.environ.get(BASE_ENV_ALIAS)
        or stored.get("baseUrl")
        or DEFAULT_BASE_URL
    )
    return Settings(api_key=key, base_url=base.rstrip("/"), key_source=source)
