"""Small parsers for the hand-written type layer of each SDK (clients/*), for the drift test.

Each returns `{type name: {field (wire name): Field}}` plus the SDK's named string enums, read
from the source text with just enough grammar for how those files are written: TypeScript
`export interface`/`export type` unions, Go `type X struct` with json tags and `const` blocks,
Python TypedDicts and `Literal` aliases (through `ast`, so that one is exact).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

CLIENTS = Path(__file__).resolve().parents[2] / "clients"
TYPESCRIPT = CLIENTS / "typescript" / "src" / "types.ts"
GO = CLIENTS / "go" / "types.go"
GO_ERRORS = CLIENTS / "go" / "errors.go"
PYTHON = CLIENTS / "python" / "src" / "letmepost" / "types.py"


@dataclass(frozen=True)
class Field:
    required: bool
    # The string values the SDK allows (of the items, for a list); None when it does not say.
    literals: frozenset[str] | None = None


Types = dict[str, dict[str, Field]]


@dataclass(frozen=True)
class Sdk:
    types: Types
    enums: dict[str, frozenset[str]]


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside brackets and string literals."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "{[(<":
            depth += 1
        elif char in "}])>":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


# ---- TypeScript ----

_TS_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_TS_UNION = re.compile(r"export type (\w+) =\s*([^;{]+);")
_TS_INTERFACE = re.compile(
    r"export interface (\w+)(?:<[^>]*>)?(?: extends ([\w, ]+))? \{"
)
_TS_MEMBER = re.compile(r"^(\w+)(\??):\s*(.+)$", re.S)


def _ts_literals(
    type_text: str, enums: dict[str, frozenset[str]]
) -> frozenset[str] | None:
    text = type_text.strip()
    if text.startswith("(") and text.endswith(")[]"):
        text = text[1:-3]
    elif text.endswith("[]") and "|" not in text:
        text = text[:-2]
    found: set[str] = set()
    for part in _split_top(text, "|"):
        if part.startswith('"'):
            found.add(part.strip('"'))
        elif part in enums:
            found |= enums[part]
    return frozenset(found) if found else None


def _ts_body(source: str, open_brace: int) -> str:
    depth = 0
    for i in range(open_brace, len(source)):
        depth += {"{": 1, "}": -1}.get(source[i], 0)
        if depth == 0:
            return source[open_brace + 1 : i]
    raise ValueError("unbalanced braces in types.ts")


def typescript(path: Path = TYPESCRIPT) -> Sdk:
    source = _TS_COMMENT.sub("", path.read_text())
    enums: dict[str, frozenset[str]] = {}
    for name, body in _TS_UNION.findall(source):
        parts = _split_top(body, "|")
        if parts and all(p.startswith('"') for p in parts):
            enums[name] = frozenset(p.strip('"') for p in parts)
    types: Types = {}
    for match in _TS_INTERFACE.finditer(source):
        name, parents = match.group(1), match.group(2)
        fields: dict[str, Field] = {}
        for parent in (parents or "").split(","):
            fields.update(types.get(parent.strip(), {}))
        for member in _split_top(_ts_body(source, match.end() - 1), ";"):
            if parsed := _TS_MEMBER.match(member):  # index signatures do not match
                key, optional, type_text = parsed.groups()
                fields[key] = Field(not optional, _ts_literals(type_text, enums))
        types[name] = fields
    return Sdk(types, enums)


# ---- Go ----

_GO_STRUCT = re.compile(r"^type (\w+)(?:\[[^\]]*\])? struct \{\n(.*?)^\}", re.S | re.M)
_GO_FIELD = re.compile(r'^\s*\w+\s+[^`\n]+`json:"([^"]*)"`')
_GO_EMBED = re.compile(r"^\s*(\w+)\s*(?://.*)?$")
_GO_CONST_BLOCK = re.compile(r"^const \($(.*?)^\)", re.S | re.M)
_GO_CONST = re.compile(r'^\s*(\w+)\s*=\s*"([^"]*)"', re.M)


def go(*paths: Path) -> Sdk:
    source = "\n".join(p.read_text() for p in paths or (GO, GO_ERRORS))
    types: Types = {}
    for name, body in _GO_STRUCT.findall(source):
        fields: dict[str, Field] = {}
        for line in body.splitlines():
            if tag := _GO_FIELD.match(line):
                key, *options = tag.group(1).split(",")
                if key != "-":
                    fields[key] = Field(required="omitempty" not in options)
            elif (embed := _GO_EMBED.match(line)) and embed.group(1) in types:
                fields.update(types[embed.group(1)])
        types[name] = fields
    # Named enums are const blocks of string constants sharing a prefix (PlatformX, CodeX, ...).
    enums: dict[str, set[str]] = {}
    for block in _GO_CONST_BLOCK.findall(source):
        for const, value in _GO_CONST.findall(block):
            prefix = re.match(r"[A-Z][a-z]+", const)
            if prefix:
                enums.setdefault(prefix.group(0), set()).add(value)
    return Sdk(types, {k: frozenset(v) for k, v in enums.items()})


# ---- Python ----


def _py_literals(
    node: ast.expr, enums: dict[str, frozenset[str]]
) -> frozenset[str] | None:
    if isinstance(node, ast.Name):
        return enums.get(node.id)
    if isinstance(node, ast.Subscript):
        head = node.value.id if isinstance(node.value, ast.Name) else ""
        if head == "Literal":
            items = (
                node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            )
            return frozenset(str(ast.literal_eval(i)) for i in items)
        if head in {"list", "Required", "NotRequired"}:
            return _py_literals(node.slice, enums)
    if isinstance(node, ast.BinOp):  # X | None
        left, right = _py_literals(node.left, enums), _py_literals(node.right, enums)
        return left or right
    return None


def _py_required(node: ast.expr, total: bool) -> bool:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if node.value.id == "Required":
            return True
        if node.value.id == "NotRequired":
            return False
    return total


def python(path: Path = PYTHON) -> Sdk:
    tree = ast.parse(path.read_text())
    enums: dict[str, frozenset[str]] = {}
    types: Types = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and (
            literals := _py_literals(node.value, enums)
        ):
            enums[target.id] = literals
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
        if "TypedDict" not in bases and not any(b in types for b in bases):
            continue
        total = not any(
            k.arg == "total"
            and isinstance(k.value, ast.Constant)
            and k.value.value is False
            for k in node.keywords
        )
        fields: dict[str, Field] = {}
        for base in bases:
            fields.update(types.get(base, {}))
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                fields[item.target.id] = Field(
                    _py_required(item.annotation, total),
                    _py_literals(item.annotation, enums),
                )
        types[node.name] = fields
    return Sdk(types, enums)
