"""Every environment variable letmepost/settings.py reads, found by reading its source.

Calls to the typed readers (env_str, env_secret, …) and to os.environ/os.getenv are collected.
A name built from an f-string over a platform slug (`f"{prefix}_CLIENT_ID"`) is reported as the
template `<SLUG>_CLIENT_ID`; a name held in a variable must be unpacked from a dict of literal
tuples in the same module (the alias table). Anything else is an error, so a new kind of read cannot slip
past the documentation checks unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

SETTINGS = Path(__file__).resolve().parents[2] / "letmepost" / "settings.py"
READERS = {
    "env_str",
    "env_secret",
    "env_bool",
    "env_int",
    "env_list",
    "env_url",
    "env_choice",
    "getenv",
}


class UnresolvedRead(Exception):
    pass


def _assigned(tree: ast.Module, name: str) -> list[ast.expr]:
    """The values assigned to `name` anywhere in the module (tuple unpacking included)."""
    values = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {
                n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
            }
            if name in names:
                values.append(node.value)
    return values


def _table_strings(tree: ast.Module, variable: str) -> set[str]:
    """For `a, b = TABLE.get(…)`: every non-empty string in the tuples of the dict TABLE."""
    found: set[str] = set()
    for value in _assigned(tree, variable):
        tables = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        for table in tables:
            for literal in _assigned(tree, table):
                if not isinstance(literal, ast.Dict):
                    continue
                for entry in literal.values:
                    for e in ast.walk(entry):
                        if (
                            isinstance(e, ast.Constant)
                            and isinstance(e.value, str)
                            and e.value
                        ):
                            found.add(e.value)
    return found


def _name_of(arg: ast.expr, tree: ast.Module) -> set[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if isinstance(arg, ast.JoinedStr):
        parts = [
            v.value if isinstance(v, ast.Constant) else "<SLUG>" for v in arg.values
        ]
        return {"".join(parts)}
    if isinstance(arg, ast.Name) and (names := _table_strings(tree, arg.id)):
        return names  # e.g. env_str(alias_id): one of the alias table's names
    raise UnresolvedRead(ast.unparse(arg))


def settings_env_reads(path: Path = SETTINGS) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = (
                func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            )
            if called in READERS:
                names |= _name_of(node.args[0], tree)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names |= _name_of(node.slice, tree)
    return names
