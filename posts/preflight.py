"""Deep preflight for one target: the checks that read media bytes or fetch URLs.

Run per target by validate and again just before publishing. Test-mode targets publish through
the sandbox, but they are still checked against their real platform's rules (D13).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from accounts.models import Workspace
from letmepost.errors import ERROR_CLASSES, LetmepostError, PreflightFailed
from platforms.base import Draft, MediaItem, Violation
from platforms.models import PlatformAccount
from platforms.preflight.catalog import get_spec
from platforms.registry import adapter_class


def stored_media_opener(workspace: Workspace) -> Callable[[MediaItem], BinaryIO | None]:
    """Open a target's stored uploads so their bytes, not declared facts, are checked."""
    from media.models import Media
    from media.services import open_media

    def open_item(item: MediaItem) -> BinaryIO | None:
        if not item.media_id:
            return None
        media = Media.objects.filter(
            workspace=workspace, pk=item.media_id, deleted_at__isnull=True
        ).first()
        return open_media(media) if media else None  # type: ignore[return-value]

    return open_item


def deep_violations(account: PlatformAccount, draft: Draft) -> list[Violation]:
    checker = adapter_class(account.platform)(account)
    return checker.deep_preflight(
        draft, open_media=stored_media_opener(account.workspace)
    )


def errors_only(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity == "error"]


def as_error(violations: list[Violation], *, platform: str) -> LetmepostError:
    """The target's error for its first deep violation, with the code its rule documents."""
    first = violations[0]
    spec = get_spec(first.rule)
    error_class = (
        ERROR_CLASSES.get(spec.code, PreflightFailed)
        if spec and spec.code
        else PreflightFailed
    )
    return error_class(
        first.message,
        rule=first.rule,
        platform=platform,
        remediation=first.remediation,
        violations=[v.as_dict() for v in violations],
    )
