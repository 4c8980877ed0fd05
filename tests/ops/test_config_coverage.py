"""Every variable settings.py reads is in .env.example and in docs/configuration.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ops.env_reads import UnresolvedRead, _name_of, settings_env_reads

ROOT = Path(__file__).resolve().parents[2]


def _documented(name: str, text: str) -> bool:
    return f"`{name}`" in text


def _in_env_example(name: str, text: str) -> bool:
    if name.startswith("<SLUG>"):
        return name in text  # templates are explained in prose there
    return re.search(rf"^(# )?{re.escape(name)}=", text, re.M) is not None


def test_the_scan_finds_the_reads_it_must() -> None:
    names = settings_env_reads()
    # One of each kind of read: literal, secret, f-string template, alias-table variable.
    assert {
        "DATABASE_URL",
        "LETMEPOST_SECRET_KEY",
        "<SLUG>_CLIENT_ID",
        "META_APP_ID",
    } <= names
    assert len(names) > 60


def test_an_unknown_kind_of_read_is_an_error_not_a_silent_skip() -> None:
    import ast

    call = ast.parse('env_str(prefix + "_X")').body[0].value  # type: ignore[attr-defined]
    with pytest.raises(UnresolvedRead):
        _name_of(call.args[0], ast.parse(""))


def test_env_example_lists_every_variable() -> None:
    text = (ROOT / ".env.example").read_text()
    missing = sorted(n for n in settings_env_reads() if not _in_env_example(n, text))
    assert not missing, f".env.example misses {missing}"


def test_configuration_doc_lists_every_variable() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(n for n in settings_env_reads() if not _documented(n, text))
    assert not missing, f"docs/configuration.md misses {missing}"


def test_env_example_sets_nothing_settings_does_not_read() -> None:
    """A typo in .env.example would silently configure nothing."""
    text = (ROOT / ".env.example").read_text()
    read = settings_env_reads()
    concrete = {n for n in read if not n.startswith("<SLUG>")}
    suffixes = tuple(n.removeprefix("<SLUG>") for n in read if n.startswith("<SLUG>"))
    outside_settings = {
        "POSTGRES_PASSWORD",
        "LETMEPOST_WORKER_CONCURRENCY",
        "LETMEPOST_WORKER_DB_POOL_SIZE",
    }
    listed = re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", text, re.M)
    unknown = [
        n
        for n in listed
        if n not in concrete and n not in outside_settings and not n.endswith(suffixes)
    ]
    assert not unknown, unknown
