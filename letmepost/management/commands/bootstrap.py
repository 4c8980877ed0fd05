"""`manage.py bootstrap`: a user, a workspace and a fresh API key, without a browser.

Prints one JSON line: {"userId", "workspaceId", "profileId", "apiKey"}.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.services import bootstrap
from letmepost.errors import LetmepostError
from letmepost.management.migrate_lock import migrate_under_lock


class Command(BaseCommand):
    help = "Create (or reuse) a verified user and their workspace, and print a freshly minted API key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--workspace",
            default=None,
            help="Workspace name (created if the user has none by that name).",
        )
        parser.add_argument(
            "--test-key", action="store_true", help="Mint an lmp_test_ (sandbox) key."
        )

    def handle(
        self,
        *args: Any,
        email: str,
        password: str,
        workspace: str | None,
        test_key: bool,
        **options: Any,
    ) -> None:
        migrate_under_lock()
        try:
            result = bootstrap(
                email=email,
                password=password,
                workspace_name=workspace,
                test_key=test_key,
            )
        except LetmepostError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            json.dumps(
                {
                    "userId": str(result.user.pk),
                    "workspaceId": str(result.workspace.pk),
                    "profileId": str(result.profile.pk),
                    "apiKey": result.key.secret,
                }
            )
        )
