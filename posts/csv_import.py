"""CSV import: read a file of posts, preflight every row without storing, then schedule them all.

The format is documented in docs/publishing.md ("CSV import"). Each row is turned into the same
API body `POST /v1/posts` takes and validated by the API's own serializer (`CreatePostIn`), then
planned with `posts.services.plan_post`: every rule a post must pass, nothing written. Scheduling
is all-or-nothing: it runs the same checks again and stores every kept row in one transaction,
or nothing when any kept row fails. Each row's post is recorded under an idempotency key made of
the file's digest and the row number, in that same transaction, so a double submit of the same
file finds the posts the first one made instead of creating them twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from django.db import transaction
from django.http import JsonResponse
from django.utils.dateparse import parse_datetime

from letmepost.api import idempotency
from letmepost.api.auth import Principal
from letmepost.dashboard import _flatten
from letmepost.errors import (
    IdempotencyConflict,
    LetmepostError,
    PreflightFailed,
    ValidationFailed,
)
from letmepost.ids import parse_uuid
from letmepost.models import IdempotencyRecord
from platforms.models import PlatformAccount
from platforms.selectors import live_accounts
from posts import services
from posts.api.serializers import NEXT_SLOT, CreatePostIn, to_request
from posts.models import PostTarget

MAX_BYTES = 1_048_576  # 1 MiB: 500 rows of long posts fit with room to spare
MAX_ROWS = 500
COLUMNS = ("text", "accounts", "scheduledAt", "media", "firstComment")
REQUIRED = ("text", "accounts", "scheduledAt")
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm")
# The API's field names, as field rules (their docs pages), by serializer field.
FIELD_RULES = {
    "text": "text",
    "targets": "targets",
    "account_id": "targets",
    "scheduled_at": "scheduledAt",
    "media": "media",
    "first_comment": "firstComment",
}
# Where a serializer or preflight field lands among the file's columns.
FIELD_COLUMNS = {
    "text": "text",
    "targets": "accounts",
    "account_id": "accounts",
    "scheduled_at": "scheduledAt",
    "media": "media",
    "first_comment": "firstComment",
    "firstComment": "firstComment",
}
IMPORT_PATH = (
    "/app/posts/import"  # the idempotency scope of imported rows (never a real route)
)
_SPLIT = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a row: the column it is about ("" for the whole row) and the rule."""

    column: str
    rule: str
    message: str
    remediation: str = ""
    severity: str = "error"
    account: str = ""  # the account a platform rule was checked for


@dataclass
class Row:
    number: int  # the line as a spreadsheet numbers it: the header is row 1
    cells: dict[str, str]
    accounts: list[PlatformAccount] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    plan: services.PlannedPost | None = None
    skipped: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.plan is not None and not self.errors

    @property
    def next_slot(self) -> bool:
        return self.cells.get("scheduledAt", "").strip() == NEXT_SLOT


@dataclass
class DryRun:
    digest: str  # sha-256 of the file's text, newlines normalized
    text: str
    rows: list[Row]

    @property
    def kept(self) -> list[Row]:
        return [r for r in self.rows if not r.skipped]

    @property
    def failing(self) -> list[Row]:
        return [r for r in self.kept if not r.ok]

    @property
    def passing(self) -> list[Row]:
        return [r for r in self.kept if r.ok]

    @property
    def ready(self) -> bool:
        return bool(self.kept) and not self.failing


@dataclass(frozen=True)
class Scheduled:
    """What scheduling answered: each kept row's post, and whether an earlier submit made it."""

    posts: list[tuple[Row, str, bool]]  # (row, batch id, already scheduled before)

    @property
    def created(self) -> int:
        return sum(1 for _, _, before in self.posts if not before)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a spreadsheet's byte-order mark is dropped), newlines as \\n."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            f"The file is {len(data):,} bytes; at most {MAX_BYTES:,} are read.",
            rule="csv.file.size_max",
            remediation=f"Split it into files of at most {MAX_ROWS} rows.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            "The file is not UTF-8 text.",
            rule="csv.file.encoding",
            remediation='Save it as "CSV UTF-8" (in Excel: Save As → CSV UTF-8; in Google '
            "Sheets and LibreOffice, UTF-8 is the default).",
        ) from None
    if "\x00" in text:
        raise ValidationFailed(
            "The file holds binary data, not CSV text.",
            rule="csv.file.encoding",
            remediation="Export the sheet as CSV (comma-separated values), UTF-8.",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_rows(text: str) -> list[Row]:
    """The rows under the header, each cell stripped of nothing (texts keep their spaces)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise ValidationFailed(
                "The file is empty: the first line must name the columns.",
                rule="csv.header.missing",
                remediation=f"Start with a header line: {','.join(COLUMNS)}.",
            )
        names = [h.strip() for h in header]
        _check_header(names)
        rows: list[Row] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank lines, e.g. the spreadsheet's trailing ones
            if len(rows) == MAX_ROWS:
                raise ValidationFailed(
                    f"The file has more than {MAX_ROWS} rows.",
                    rule="csv.rows.max",
                    remediation=f"Split it into files of at most {MAX_ROWS} rows.",
                )
            row = Row(reader.line_num, dict(zip(names, cells, strict=False)))
            if len(cells) > len(names):
                row.problems.append(
                    Problem(
                        column="",
                        rule="csv.row.columns",
                        message=f"The row has {len(cells)} cells; the header names {len(names)}.",
                        remediation='Put a text that contains commas in double quotes: "a, b".',
                    )
                )
            rows.append(row)
    except csv.Error as exc:
        raise ValidationFailed(
            f"The file is not valid CSV (line {reader.line_num}): {exc}.",
            rule="csv.file.syntax",
            remediation='Quote texts that hold commas, quotes or line breaks: "a ""b"", c".',
        ) from None
    if not rows:
        raise ValidationFailed(
            "The file has a header but no rows.",
            rule="csv.rows.empty",
            remediation="Add one line per post under the header.",
        )
    return rows


def _check_header(names: list[str]) -> None:
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise ValidationFailed(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            rule="csv.header.unknown",
            remediation=f"Use only these columns (names are case-sensitive): {', '.join(COLUMNS)}.",
        )
    if missing := [n for n in REQUIRED if n not in names]:
        raise ValidationFailed(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.",
            rule="csv.header.missing",
            remediation=f"The header must name {', '.join(REQUIRED)}; media and firstComment are optional.",
        )
    if len(set(names)) != len(names):
        raise ValidationFailed(
            "A column is named twice.",
            rule="csv.header.duplicate",
            remediation="Name each column once.",
        )


def dry_run(
    *,
    caller: services.Caller,
    data: bytes,
    zone: tzinfo,
    skip: Iterable[int] = (),
) -> DryRun:
    """Every row checked as `POST /v1/posts` would check it; nothing is stored.

    Raises ValidationFailed for a problem with the whole file (size, encoding, header, row
    count); a row's problems are collected on the row. Rows numbered in `skip` are left out.
    """
    text = decode(data)
    rows = read_rows(text)
    left_out = set(skip)
    known = list(live_accounts(caller.workspace).order_by("platform", "created_at"))
    for row in rows:
        row.skipped = row.number in left_out
        if not row.skipped:
            _check_row(caller, row, known, zone)
    return DryRun(hashlib.sha256(text.encode()).hexdigest(), text, rows)


def _check_row(
    caller: services.Caller,
    row: Row,
    known: list[PlatformAccount],
    zone: tzinfo,
) -> None:
    body = _body(row, known, zone)
    if row.errors:
        return
    serializer = CreatePostIn(data=body)
    if not serializer.is_valid():
        row.problems += [
            Problem(FIELD_COLUMNS.get(name or "", ""), _column_rule(name), message)
            for name, message in _flatten(serializer.errors)
        ]
        return
    try:
        row.plan = services.plan_post(
            caller=caller, request=to_request(dict(serializer.validated_data))
        )
    except PreflightFailed as exc:
        row.problems += [_violation(v) for v in exc.fields.get("violations", [])]
    except LetmepostError as exc:
        row.problems.append(
            Problem(
                _column_of(exc.rule),
                exc.rule or exc.code,
                exc.message,
                exc.fields.get("remediation", ""),
            )
        )
    else:  # warnings never block, but are worth reading before scheduling
        row.problems += [
            _violation({**v.as_dict(), "platform": t.account.platform})
            for t in row.plan.checked
            for v in t.violations
            if v.severity != "error"
        ]


def _body(row: Row, known: list[PlatformAccount], zone: tzinfo) -> dict[str, Any]:
    """The API body the row describes; reference problems are added to the row."""
    cells = row.cells
    row.accounts = _accounts(row, known, cells.get("accounts", ""))
    body: dict[str, Any] = {
        "targets": [{"account_id": str(a.pk)} for a in row.accounts],
    }
    if cells.get("text", "") != "":
        body["text"] = cells["text"]
    if comment := cells.get("firstComment", "").strip():
        body["first_comment"] = {"text": comment}
    if urls := [u for u in _SPLIT.split(cells.get("media", "").strip()) if u]:
        body["media"] = [{"kind": _kind(u), "url": u} for u in urls]
    when = cells.get("scheduledAt", "").strip()
    if not when:
        row.problems.append(
            Problem(
                column="scheduledAt",
                rule="csv.scheduledAt.required",
                message="scheduledAt is empty.",
                remediation=f"Give a time (2026-06-01T09:30+02:00, or 2026-06-01 09:30 in your time "
                f'zone) or "{NEXT_SLOT}" for the next free queue slot.',
            )
        )
    body["scheduled_at"] = _when(when, zone)
    return body


def _kind(url: str) -> str:
    """A video by its file extension, else an image (the API needs the kind up front)."""
    path = url.lower().split("?", 1)[0].split("#", 1)[0]
    return "video" if path.endswith(VIDEO_SUFFIXES) else "image"


def _when(value: str, zone: tzinfo) -> str:
    """`next_slot`, or an ISO time; one without an offset is read in the viewer's zone."""
    if value == NEXT_SLOT:
        return value
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None:
        return value  # the serializer says what is wrong with it, or takes it as it is
    return parsed.replace(tzinfo=zone).isoformat()


def _accounts(
    row: Row, known: list[PlatformAccount], cell: str
) -> list[PlatformAccount]:
    """Each reference of the cell: an account id, `platform:handle`, or `@handle`."""
    refs = [r for r in _SPLIT.split(cell.strip()) if r]
    if not refs:
        row.problems.append(
            Problem(
                column="accounts",
                rule="csv.accounts.required",
                message="No account is named.",
                remediation="Name one or more accounts: an account id, platform:handle or @handle.",
            )
        )
    found: list[PlatformAccount] = []
    for ref in refs:
        matches = _match(ref, known)
        if len(matches) == 1:
            if matches[0] not in found:
                found.append(matches[0])
            continue
        row.problems.append(
            Problem(
                "accounts",
                "csv.accounts.ambiguous" if matches else "csv.accounts.unknown",
                f"{ref} names {len(matches)} connected accounts."
                if matches
                else f"No connected account is {ref}.",
                "Write platform:handle (e.g. "
                + ", ".join(f"{a.platform}:{handle_of(a)}" for a in matches)
                + ") or the account id."
                if matches
                else "Use an account id, platform:handle or @handle of a connected "
                "account (see Accounts).",
            )
        )
    return found


def handle_of(account: PlatformAccount) -> str:
    """The name people know the account by: its handle, else its platform id."""
    return str(account.metadata.get("handle") or account.external_id)


def _match(ref: str, known: list[PlatformAccount]) -> list[PlatformAccount]:
    if (pk := parse_uuid(ref)) is not None:
        return [a for a in known if a.pk == pk]
    platform, _, name = ref.rpartition(":")
    name = name.removeprefix("@").lower()
    return [
        a
        for a in known
        if (not platform or a.platform == platform.lower())
        and name
        in {handle_of(a).lower(), a.external_id.lower(), a.display_name.lower()}
    ]


def _column_rule(name: str | None) -> str:
    """The field rule of a serializer error, named as the file's column."""
    return FIELD_RULES.get(name or "", "body")


def _column_of(rule: str | None) -> str:
    rule = rule or ""
    for prefix, column in (
        ("targets.text", "text"),
        ("scheduledAt", "scheduledAt"),
        ("queue.", "scheduledAt"),
        ("mode_conflict", "scheduledAt"),
        ("target", "accounts"),
        ("profile", "accounts"),
        ("media", "media"),
        ("url.", "media"),
    ):
        if rule.startswith(prefix):
            return column
    return ""


def _violation(v: Mapping[str, Any]) -> Problem:
    where = str(v.get("field") or "").split(".")[0]
    return Problem(
        FIELD_COLUMNS.get(where, ""),
        str(v["rule"]),
        str(v["message"]),
        str(v.get("remediation", "")),
        severity=str(v.get("severity", "error")),
        account=str(v.get("platform", "")),
    )


def schedule(
    *,
    caller: services.Caller,
    principal: Principal,
    data: bytes,
    zone: tzinfo,
    skip: Iterable[int] = (),
) -> tuple[DryRun, Scheduled | None]:
    """Check the file again and, if every kept row passes, store them all in one transaction.

    Returns the dry run and, when it was ready, what was scheduled. A row already scheduled by
    an earlier submit of the same file (same digest and row) is not stored again.
    """
    checked = dry_run(caller=caller, data=data, zone=zone, skip=skip)
    if not checked.ready:
        return checked, None
    try:
        return checked, Scheduled(_store_rows(checked, principal))
    except IdempotencyConflict:
        # Another submit of this file holds a row's key right now (a double click).
        raise ValidationFailed(
            "This file is being scheduled by another submit right now; nothing was added.",
            rule="idempotency_key.in_flight",
            remediation="Wait a moment, then submit again: the rows already scheduled are "
            "shown, not created twice.",
        ) from None


def _store_rows(checked: DryRun, principal: Principal) -> list[tuple[Row, str, bool]]:
    """Every kept row's post, in one transaction with its idempotency record."""
    done: list[tuple[Row, str, bool]] = []
    with transaction.atomic():
        for row in checked.kept:
            assert row.plan is not None  # ready: every kept row planned
            record = idempotency.lookup(
                principal=principal,
                method="POST",
                path=IMPORT_PATH,
                key=f"csv:{checked.digest}:{row.number}",
                body=_row_fingerprint(row),
            )
            if record.state == IdempotencyRecord.State.DONE:
                done.append((row, record.resource_id, True))
                continue
            created = row.plan.store()
            record.resource_id = str(created.post.pk)
            idempotency.complete(
                record, JsonResponse({"id": record.resource_id}, status=201)
            )
            done.append((row, record.resource_id, False))
    return done


def _row_fingerprint(row: Row) -> bytes:
    return "\x00".join(f"{k}={v}" for k, v in sorted(row.cells.items())).encode()


def first_targets(batch_ids: list[str]) -> dict[str, PostTarget]:
    """The first target of each batch, to link the scheduled rows to their posts."""
    targets = PostTarget.objects.filter(post_id__in=batch_ids, position=0)
    return {str(t.post_id): t for t in targets.select_related("account")}
