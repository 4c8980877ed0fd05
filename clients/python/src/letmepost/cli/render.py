"""Output of the CLI: JSON for scripts (`--json`), Rich tables and lines for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from letmepost.errors import LetmepostError

# piped output has no width of its own: do not squeeze tables into 80 columns there
out = Console(
    highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160
)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS_MARKS = {
    "published": "[green]✔[/]",
    "queued": "[cyan]◷[/]",
    "publishing": "[cyan]…[/]",
    "validated": "[cyan]✓[/]",
    "canceled": "[yellow]⊘[/]",
    "failed": "[red]✗[/]",
    "rejected": "[red]✗[/]",
}


def emit_json(value: Any) -> None:
    """Plain stdout (no Rich markup or wrapping) so the output always parses."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


WRAPPING = frozenset({"TEXT", "NAME", "URL", "CHECKS", "LAST FAILURE"})


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    grid = Table(show_edge=False, header_style="bold")
    for index, header in enumerate(headers):
        # ids, statuses and times are copied or scanned whole: only free text may wrap
        widest = max((len(row[index]) for row in cells), default=0)
        fixed = header not in WRAPPING
        grid.add_column(
            header,
            no_wrap=fixed,
            min_width=min(max(widest, len(header)), 40 if fixed else 12),
        )
    for row in cells:
        grid.add_row(*row)
    out.print(grid)


def error(exc: LetmepostError, *, as_json: bool) -> None:
    """The envelope's message, rule and remediation (and the ids to quote in a bug report)."""
    if as_json:
        body = dict(exc.envelope) or {
            "code": exc.code,
            "message": exc.message,
            "status": exc.status,
        }
        emit_json({"error": body})
        return
    err.print(f"[bold red]Error[/] [red]{escape(exc.code)}[/]: {escape(exc.message)}")
    if exc.rule:
        err.print(f"  rule:        {exc.rule}", markup=False)
    if exc.remediation:
        err.print(f"  remediation: {exc.remediation}", markup=False)
    for violation in exc.violations:
        err.print(
            f"  - {violation.get('rule')}: {violation.get('message')}", markup=False
        )
    if exc.doc_url:
        err.print(f"  docs:        {exc.doc_url}", markup=False)
    if exc.request_id:
        err.print(f"  request id:  {exc.request_id}", markup=False)


def target_line(result: dict[str, Any]) -> str:
    status = str(result.get("status", ""))
    mark = STATUS_MARKS.get(status, "•")
    line = f"{mark} {escape(str(result.get('platform')))} {result.get('accountId')} [bold]{escape(status)}[/]"
    if result.get("uri"):
        line += f" {escape(str(result['uri']))}"
    problem = result.get("error")
    if problem:
        line += escape(f"\n    {problem.get('code')}: {problem.get('message')}")
        if problem.get("rule"):
            line += escape(f"\n    rule: {problem['rule']}")
        if problem.get("remediation"):
            line += escape(f"\n    remediation: {problem['remediation']}")
    return line
