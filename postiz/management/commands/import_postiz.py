"""`manage.py import_postiz --url URL --api-key KEY [--workspace ID] [--days N] [--dry-run]`.

Copies a Postiz instance's future scheduled posts into a workspace here, for channels already
connected here, and prints what it imported or skipped and why. Safe to run again.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Workspace
from letmepost.ids import parse_uuid
from postiz.importer import ImportFailed, PostizSource, Row, import_posts

COLUMNS = ("POSTIZ POST", "CHANNEL", "WHEN (UTC)", "RESULT", "DETAIL")


class Command(BaseCommand):
    help = (
        "Import scheduled posts from a running Postiz instance through its public API."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url",
            required=True,
            help="The Postiz API: https://host/api (self-hosted) or https://api.postiz.com.",
        )
        parser.add_argument(
            "--api-key",
            default=None,
            help="The Postiz API key (Settings > Public API); default: $POSTIZ_API_KEY.",
        )
        parser.add_argument(
            "--workspace",
            default=None,
            help="Workspace id to import into; optional when there is only one.",
        )
        parser.add_argument(
            "--days", type=int, default=365, help="How far ahead to look (default 365)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would happen; write nothing.",
        )

    def handle(
        self,
        *args: Any,
        url: str,
        api_key: str | None,
        workspace: str | None,
        days: int,
        dry_run: bool,
        **options: Any,
    ) -> None:
        key = api_key or os.environ.get("POSTIZ_API_KEY", "")
        if not key:
            raise CommandError("Give --api-key or set POSTIZ_API_KEY.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        target = _workspace(workspace)
        try:
            rows = import_posts(
                workspace=target,
                source=PostizSource(url, key),
                days=days,
                dry_run=dry_run,
            )
        except ImportFailed as exc:
            raise CommandError(f"Could not read Postiz: {exc}") from exc
        self._table(rows)
        counts = {
            r: sum(1 for row in rows if row.result == r)
            for r in ("imported", "would import", "skipped")
        }
        self.stdout.write(
            ", ".join(
                f"{n} {label}"
                for label, n in counts.items()
                if n or label == "imported"
            )
            + (" (dry run: nothing written)" if dry_run else "")
        )

    def _table(self, rows: list[Row]) -> None:
        cells = [
            COLUMNS,
            *((r.postiz_id, r.channel, r.when, r.result, r.detail) for r in rows),
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS) - 1)]
        for cell in cells:
            head = "  ".join(v.ljust(w) for v, w in zip(cell, widths, strict=False))
            self.stdout.write(f"{head}  {cell[-1]}")


def _workspace(workspace_id: str | None) -> Workspace:
    if workspace_id:
        pk = parse_uuid(workspace_id)
        found = Workspace.objects.filter(pk=pk).first() if pk else None
        if found is None:
            raise CommandError(f"No workspace {workspace_id}.")
        return found
    workspaces = list(Workspace.objects.order_by("created_at")[:2])
    if len(workspaces) != 1:
        raise CommandError(
            "Give --workspace: there are "
            + ("no workspaces yet." if not workspaces else "several workspaces.")
        )
    return workspaces[0]
