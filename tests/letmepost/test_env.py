"""Typed readers of the environment, and the secrets of embedded mode: bad values stop the boot."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from letmepost.env import env_bool, env_int, env_list, env_secret, env_url
from letmepost.secrets import embedded_secrets, validate_fernet_keys

NAME = "LETMEPOST_TEST_VALUE"


@pytest.fixture(autouse=True)
def _unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


# --- env_bool ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("TRUE", True), (" false ", False), ("0", False)],
)
def test_env_bool_reads_true_and_false(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_is_the_default(
    monkeypatch: pytest.MonkeyPatch, default: bool
) -> None:
    assert env_bool(NAME, default) is default
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, default) is default


def test_env_bool_rejects_maybe_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(NAME, "maybe")
    with pytest.raises(ImproperlyConfigured, match=rf"{NAME}='maybe' is not a boolean"):
        env_bool(NAME, False)


# --- env_int -------------------------------------------------------------------------------


def test_env_int_reads_an_integer_and_defaults_when_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, " 42 ")
    assert env_int(NAME, 7, minimum=1) == 42


def test_env_int_rejects_abc_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(NAME, "abc")
    with pytest.raises(ImproperlyConfigured, match=rf"{NAME}='abc' is not an integer"):
        env_int(NAME, 7)


def test_env_int_rejects_a_value_below_the_minimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(NAME, "0")
    with pytest.raises(ImproperlyConfigured, match=rf"{NAME}=0 must be at least 1"):
        env_int(NAME, 7, minimum=1)
    monkeypatch.setenv(NAME, "1")
    assert env_int(NAME, 7, minimum=1) == 1


# --- env_url -------------------------------------------------------------------------------


def test_env_url_reads_an_http_url_without_its_trailing_slash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(NAME, "https://api.example.com/")
    assert env_url(NAME) == "https://api.example.com"


def test_env_url_unset_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_url(NAME) == ""
    assert env_url(NAME, "http://127.0.0.1:8000") == "http://127.0.0.1:8000"


@pytest.mark.parametrize("raw", ["ftp://x", "not a url", "https://", "api.example.com"])
def test_env_url_rejects_what_is_not_an_http_url(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=rf"^{NAME}=.* is not a URL"):
        env_url(NAME)


def test_env_url_honours_other_schemes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "redis://127.0.0.1:6379/0")
    assert env_url(NAME, schemes=("redis", "rediss")) == "redis://127.0.0.1:6379/0"
    with pytest.raises(ImproperlyConfigured):
        env_url(NAME)  # http(s) only by default


# --- env_list ------------------------------------------------------------------------------


def test_env_list_splits_on_commas_and_drops_blanks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(NAME, " a.example.com, b.example.com,,  ,c ")
    assert env_list(NAME) == ["a.example.com", "b.example.com", "c"]


def test_env_list_unset_or_empty_is_a_copy_of_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = ["x"]
    assert env_list(NAME) == []
    result = env_list(NAME, default)
    assert result == ["x"]
    assert result is not default
    monkeypatch.setenv(NAME, "   ")
    assert env_list(NAME, default) == ["x"]


# --- env_secret ----------------------------------------------------------------------------


def test_env_secret_reads_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_secret(NAME) == ""
    assert env_secret(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "s3cret")
    assert env_secret(NAME) == "s3cret"


def test_env_secret_prefers_the_file_named_by_name_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-the-file\n")
    monkeypatch.setenv(NAME, "from-the-variable")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret_file))
    assert env_secret(NAME) == "from-the-file"


def test_env_secret_fails_loudly_on_a_missing_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "nope"
    monkeypatch.setenv(NAME, "would-be-used-without-the-file")
    monkeypatch.setenv(f"{NAME}_FILE", str(missing))
    with pytest.raises(
        ImproperlyConfigured, match=rf"{NAME}_FILE=.*nope.* cannot be read"
    ):
        env_secret(NAME)


# --- Fernet keys ---------------------------------------------------------------------------


def test_validate_fernet_keys_accepts_generated_keys() -> None:
    keys = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    assert validate_fernet_keys(keys) == keys


@pytest.mark.parametrize("bad", ["not-a-key", "", "c2hvcnQ="])
def test_validate_fernet_keys_rejects_a_bad_key_naming_its_position(bad: str) -> None:
    good = Fernet.generate_key().decode()
    with pytest.raises(
        ImproperlyConfigured,
        match="LETMEPOST_ENCRYPTION_KEYS entry 2 is not a Fernet key",
    ):
        validate_fernet_keys([good, bad])


# --- embedded secrets ----------------------------------------------------------------------


def test_embedded_secrets_are_created_private_and_usable(tmp_path: Path) -> None:
    data_dir = tmp_path / "not-yet" / "data"
    values = embedded_secrets(data_dir)
    path = data_dir / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == values
    assert len(values["secret_key"]) >= 50
    assert validate_fernet_keys(values["encryption_keys"]) == values["encryption_keys"]


def test_embedded_secrets_are_reused_on_the_next_start(tmp_path: Path) -> None:
    first = embedded_secrets(tmp_path)
    second = embedded_secrets(tmp_path)
    assert second == first
    other = embedded_secrets(tmp_path / "elsewhere")
    assert other["secret_key"] != first["secret_key"]
    assert other["encryption_keys"] != first["encryption_keys"]
