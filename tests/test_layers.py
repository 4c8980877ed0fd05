"""The layer rule of docs/architecture.md: a server module imports only from its own layer or below.

Every import is read with `ast` from the source, function-local and TYPE_CHECKING ones included
(a deferred import is still a dependency). Dotted paths in strings (settings, the job table in
letmepost.maintenance) are not imports and are not checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "letmepost",
    "accounts",
    "media",
    "platforms",
    "posts",
    "webhooks",
    "postiz",
)

# The wiring: modules that put the apps together (settings, URLs, the public pages, the embedded
# runner, ops endpoints, management commands), so they may import any layer. Each entry must
# still need it (test_every_exception_is_still_needed); nothing else in letmepost may.
WIRING = (
    "letmepost.settings",  # INSTALLED_APPS, the platform registry's settings
    "letmepost.urls",  # every app's routes
    "letmepost.views",  # the landing page and the try-it flow span accounts, platforms, posts
    "letmepost.docs_views",  # renders the preflight rule catalog (platforms)
    "letmepost.agent_server",  # the MCP server authenticates through accounts
    "letmepost.runner",  # the embedded dispatcher and webhook runner loops
    "letmepost.metrics",  # queue depths of posts and webhooks
    "letmepost.retention",  # purges posts' and webhooks' logs
    "letmepost.management",  # bootstrap, key rotation over every encrypted column
    "letmepost.asgi",  # the entry points mount the agent server beside Django
    "letmepost.wsgi",
)

# Lowest first; a module is in the layer of its longest matching prefix.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # errors, env, ids, crypto, logging, DB plumbing, API plumbing. platforms.http (the one
    # guarded outgoing HTTP session) is HTTP plumbing too: it imports only letmepost.errors.
    ("kernel", ("letmepost", "platforms.http")),
    # Who is calling: API keys, OAuth grants, sessions. The request plumbing that resolves the
    # caller (auth, ApiView, idempotency keyed by the caller, the dashboard base) sits here.
    (
        "accounts",
        (
            "accounts",
            "letmepost.api.auth",
            "letmepost.api.views",
            "letmepost.api.idempotency",
            "letmepost.dashboard",
        ),
    ),
    ("media", ("media",)),  # uploads; platforms reads them to attach
    ("platforms", ("platforms",)),
    ("posts", ("posts",)),
    ("apps", ("webhooks", "postiz")),
    ("wiring", WIRING),
)
RANK = {
    prefix: rank for rank, (_, prefixes) in enumerate(LAYERS) for prefix in prefixes
}

# Known upward imports still to invert, as (importer prefix, imported prefix): why. Shrink it;
# never grow it (an entry nothing needs fails the test below).
DEBTS: dict[tuple[str, str], str] = {
    # posts announces post.* events by calling webhooks.events, and its dispatch tick drives
    # webhook delivery. To invert like platforms.signals: posts sends, webhooks.receivers records.
    ("posts", "webhooks"): "post.* events and the shared tick",
    # A migration is history: 0004 encrypts allauth MFA seeds with accounts.adapter's cipher.
    ("letmepost.migrations", "accounts"): "0004_encrypt_mfa_seeds",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imports_of(
    module: str, source: str, known: set[str], *, is_package: bool = False
) -> Iterator[tuple[str, int]]:
    """(imported project module, line) for every import anywhere in `source`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from platforms import http` imports the module platforms.http
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                for a in node.names
            ]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PACKAGES:
                yield name, node.lineno


def prefix_of(module: str, prefixes: Iterable[str]) -> str | None:
    matches = [p for p in prefixes if module == p or module.startswith(p + ".")]
    return max(matches, key=len) if matches else None


def rank(module: str) -> int:
    prefix = prefix_of(module, RANK)
    assert prefix is not None, f"{module} is in no layer: add it to LAYERS"
    return RANK[prefix]


def upward_imports(
    module: str, source: str, known: set[str], *, is_package: bool = False
) -> list[str]:
    """Each import of a higher layer, as 'module:line -> imported (layer)'."""
    return [
        f"{module}:{line} -> {target} ({LAYERS[rank(target)][0]})"
        for target, line in imports_of(module, source, known, is_package=is_package)
        if rank(target) > rank(module)
    ]


def debt_for(line: str) -> tuple[str, str] | None:
    importer, _, rest = line.partition(":")
    target = rest.split(" -> ")[1].split(" ")[0]
    for debt_importer, debt_target in DEBTS:
        if prefix_of(importer, [debt_importer]) and prefix_of(target, [debt_target]):
            return debt_importer, debt_target
    return None


def found_upward() -> list[str]:
    modules = all_modules()
    known = set(modules)
    return [
        line
        for name, path in modules.items()
        for line in upward_imports(
            name, path.read_text(), known, is_package=path.name == "__init__.py"
        )
    ]


def test_no_module_imports_a_higher_layer() -> None:
    unexplained = [line for line in found_upward() if debt_for(line) is None]
    assert unexplained == [], "\n".join(unexplained)


def test_every_exception_is_still_needed() -> None:
    """A debt paid off, or a wiring module that no longer imports upward, leaves the lists."""
    found = found_upward()
    used_debts = {debt_for(line) for line in found}
    assert set(DEBTS) - used_debts == set()
    modules = all_modules()
    known = set(modules)
    for wiring in WIRING:
        upward = [
            target
            for name, path in modules.items()
            if prefix_of(name, [wiring])
            for target, _ in imports_of(name, path.read_text(), known)
            if rank(target) > RANK["letmepost"]
        ]
        assert upward, f"{wiring} imports no app: it is kernel, not wiring"


def test_platforms_reads_no_posts_model() -> None:
    """Issue #17.6: what an adapter needs comes in its Draft; cancels go through posts."""
    assert not [line for line in found_upward() if line.startswith("platforms")]


def test_a_function_local_upward_import_is_caught() -> None:
    """The checker itself: deferred and relative imports count, same-layer ones do not."""
    known = set(all_modules())
    source = (
        "from platforms import http\n"
        "from .models import PlatformAccount\n"
        "def cancel():\n"
        "    from posts.models import PostTarget\n"
        "    import webhooks.events\n"
    )
    assert upward_imports("platforms.services", source, known) == [
        "platforms.services:4 -> posts.models (posts)",
        "platforms.services:5 -> webhooks.events (apps)",
    ]
    assert upward_imports("letmepost.views", source, known) == []
