"""CSV import: the dry run preflights every row and stores nothing; scheduling is all or nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letmepost.errors import ValidationFailed
from posts import csv_import
from posts.models import PostTarget
from posts.queues import set_queue
from tests.conftest import Persona, connect_sandbox
from tests.dashboard.helpers import session_caller

URL = reverse("posts:import")
HEADER = "text,accounts,scheduledAt,media,firstComment\n"


def later(days: int = 2) -> str:
    """A local wall-clock time (no offset) a few days ahead."""
    return f"{(timezone.now() + timedelta(days=days)).date().isoformat()} 09:30"


def upload(client: Client, text: str | bytes, **extra: object):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        URL,
        {"file": SimpleUploadedFile("posts.csv", data, "text/csv"), "intent": "check"}
        | extra,
    )


def results(html: str) -> dict[int, str]:
    return {
        int(n): r for n, r in re.findall(r'data-row="(\d+)" data-result="(\w+)"', html)
    }


def test_the_dry_run_shows_each_rows_problems_and_stores_nothing(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    csv = (
        HEADER
        + f'"Hello, world",@demo,{later()},,\n'
        + f"{'x' * 501},sandbox:demo,{later()},,\n"
        + f"third,@nobody,{later()},,\n"
    )
    response = upload(owner_client, csv)
    html = response.content.decode()
    assert response.status_code == 200
    assert results(html) == {2: "ok", 3: "problems", 4: "problems"}
    assert 'data-rule="sandbox.text.max_graphemes"' in html
    assert "Text is 501 graphemes; the sandbox allows 500." in html
    assert "No connected account is @nobody." in html
    assert "/docs/preflight/csv-accounts-unknown" in html
    assert "Leave row 3 out" in html and "Leave row 2 out" not in html
    assert "Schedule 1 post" in html
    assert not PostTarget.objects.filter(workspace=owner.workspace).exists()


def test_scheduling_after_leaving_the_bad_row_out_creates_the_rest(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    day = (timezone.now() + timedelta(days=2)).date()
    csv = (
        HEADER
        + f"first,@demo,{day} 09:30,,A comment\n"
        + f"{'x' * 501},@demo,{day} 10:00,,\n"
        + f"third,{sandbox.pk},{day}T12:00:00Z,https://example.com/a.png https://example.com/b.mp4,\n"
    )
    owner_client.cookies["lmp_tz"] = "Europe/Berlin"
    response = owner_client.post(
        URL, {"csv_text": csv, "skip": ["3"], "intent": "schedule"}
    )
    html = response.content.decode()
    assert 'data-import="scheduled"' in html, html
    assert "Scheduled 2 posts" in html
    targets = {t.text: t for t in PostTarget.objects.filter(workspace=owner.workspace)}
    assert set(targets) == {"first", "third"}
    berlin = datetime(
        day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo("Europe/Berlin")
    )
    assert targets["first"].scheduled_at == berlin  # no offset: the viewer's zone
    assert targets["first"].first_comment == "A comment"
    assert targets["first"].status == PostTarget.Status.QUEUED
    assert [m["kind"] for m in targets["third"].media] == ["image", "video"]
    assert targets["third"].scheduled_at == datetime(
        day.year, day.month, day.day, 12, tzinfo=UTC
    )


def test_a_kept_row_that_fails_means_nothing_is_scheduled(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    csv = HEADER + f"fine,@demo,{later()},,\n" + f"{'x' * 501},@demo,{later()},,\n"
    response = owner_client.post(URL, {"csv_text": csv, "intent": "schedule"})
    html = response.content.decode()
    assert "Nothing was scheduled" in html
    assert results(html) == {2: "ok", 3: "problems"}
    assert not PostTarget.objects.filter(workspace=owner.workspace).exists()


def test_a_double_submit_of_the_same_file_does_not_duplicate(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    csv = HEADER + f"once,@demo,{later()},,\nand once,@demo,{later(3)},,\n"
    first = owner_client.post(URL, {"csv_text": csv, "intent": "schedule"})
    assert "Scheduled 2 posts" in first.content.decode()
    again = owner_client.post(
        URL, {"csv_text": csv.replace("\n", "\r\n"), "intent": "schedule"}
    )
    html = again.content.decode()
    assert "0 new" in html and "already scheduled" in html
    assert PostTarget.objects.filter(workspace=owner.workspace).count() == 2


def test_next_slot_takes_the_profiles_queue_slots_in_row_order(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    every_hour = [
        {"weekday": d, "time": f"{h:02}:00"} for d in range(7) for h in range(24)
    ]
    set_queue(owner.profile, "UTC", every_hour)
    csv = HEADER + "one,@demo,next_slot,,\ntwo,@demo,next_slot,,\n"
    response = owner_client.post(URL, {"csv_text": csv, "intent": "schedule"})
    assert "Scheduled 2 posts" in response.content.decode()
    one, two = (PostTarget.objects.get(text=t).scheduled_at for t in ("one", "two"))
    assert one is not None and two is not None
    assert two - one == timedelta(hours=1)


def test_next_slot_without_a_queue_is_a_row_problem(
    owner_client: Client, sandbox
) -> None:
    html = upload(owner_client, HEADER + "one,@demo,next_slot,,\n").content.decode()
    assert results(html) == {2: "problems"}
    assert 'data-rule="queue.empty"' in html


def test_accounts_by_id_handle_and_platform_handle_and_ambiguity(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    other = connect_sandbox(owner, "other")
    csv = (
        HEADER
        + f'x,"@demo, sandbox:other",{later()},,\n'
        + f"y,{other.pk},{later()},,\n"
    )
    dry = csv_import.dry_run(caller=session_caller(owner), data=csv.encode(), zone=UTC)
    assert [r.ok for r in dry.rows] == [True, True]
    assert [a.pk for a in dry.rows[0].accounts] == [sandbox.pk, other.pk]
    assert [a.pk for a in dry.rows[1].accounts] == [other.pk]


def test_another_workspaces_account_is_not_found(
    owner: Persona, outsider: Persona, owner_client: Client, sandbox
) -> None:
    theirs = connect_sandbox(outsider, "theirs")
    html = upload(
        owner_client, HEADER + f"x,{theirs.pk},{later()},,\nx,@theirs,{later()},,\n"
    ).content.decode()
    assert results(html) == {2: "problems", 3: "problems"}
    assert html.count("No connected account is") == 2


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"\xff\xfet\x00e\x00x\x00t\x00", "csv.file.encoding"),
        (b"text,accounts,when\nx,@demo,now\n", "csv.header.unknown"),
        (b"text,accounts\nx,@demo\n", "csv.header.missing"),
        (b"", "csv.header.missing"),
        (HEADER.encode(), "csv.rows.empty"),
        (b"x" * (csv_import.MAX_BYTES + 1), "csv.file.size_max"),
        (
            (HEADER + "x,@demo,next_slot,,\n" * (csv_import.MAX_ROWS + 1)).encode(),
            "csv.rows.max",
        ),
        (HEADER.encode() + b'"never closed,@demo,next_slot,,\n', "csv.file.syntax"),
    ],
)
def test_file_problems_are_refused_with_their_rule(
    owner: Persona, data: bytes, rule: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        csv_import.dry_run(caller=session_caller(owner), data=data, zone=UTC)
    assert exc.value.rule == rule


def test_a_file_problem_is_shown_on_the_upload_form(
    owner_client: Client, sandbox
) -> None:
    response = upload(owner_client, b"\xff\xfe\x00\x00")
    html = response.content.decode()
    assert response.status_code == 400
    assert "The file is not UTF-8 text." in html and "CSV UTF-8" in html


def test_a_spreadsheets_byte_order_mark_and_crlf_are_fine(
    owner_client: Client, sandbox
) -> None:
    csv = ("\ufeff" + HEADER + f"hi,@demo,{later()},,\r\n").encode()
    assert results(upload(owner_client, csv).content.decode()) == {2: "ok"}


def test_bad_cells_name_their_column(owner_client: Client, sandbox) -> None:
    csv = (
        HEADER
        + "a,@demo,,,\n"
        + "b,@demo,tomorrow,,\n"
        + f"c,@demo,{later()},ftp://example.com/x.png,\n"
        + "d,@demo,2020-01-01T00:00:00Z,,\n"
        + "e,,next_slot,,\n"
        + f"f,@demo,{later()},,,extra\n"
    )
    html = upload(owner_client, csv).content.decode()
    assert set(results(html).values()) == {"problems"}
    for rule in (
        "csv.scheduledAt.required",
        "scheduledAt",
        "media",
        "scheduledAt.future",
        "csv.accounts.required",
        "csv.row.columns",
    ):
        assert f'data-rule="{rule}"' in html, rule


def test_the_import_page_explains_the_format(owner_client: Client) -> None:
    html = owner_client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    for column in csv_import.COLUMNS:
        assert f"<code>{column}</code>" in html


def test_nothing_chosen_is_an_inline_error(owner_client: Client) -> None:
    response = owner_client.post(URL, {"intent": "check"})
    assert response.status_code == 400
    assert "Choose a CSV file, or paste its text below." in response.content.decode()


def test_a_submit_racing_another_of_the_same_file_adds_nothing(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    from letmepost.models import IdempotencyRecord

    csv = HEADER + f"once,@demo,{later()},,\n"
    owner_client.post(URL, {"csv_text": csv, "intent": "schedule"})
    # As if the first submit were still running: its row's key is held, not completed.
    IdempotencyRecord.objects.filter(workspace=owner.workspace).update(
        state=IdempotencyRecord.State.PROCESSING,
        locked_until=timezone.now() + timedelta(minutes=5),
    )
    response = owner_client.post(URL, {"csv_text": csv, "intent": "schedule"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "being scheduled by another submit right now" in html
    assert PostTarget.objects.filter(workspace=owner.workspace).count() == 1


def test_leaving_every_row_out_schedules_nothing(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    csv = HEADER + f"{'x' * 501},@demo,{later()},,\n"
    html = owner_client.post(
        URL, {"csv_text": csv, "skip": ["2"], "intent": "schedule"}
    ).content.decode()
    assert "Nothing was scheduled: every row is left out." in html
    assert results(html) == {2: "skipped"} and "data-schedule" not in html
    assert not PostTarget.objects.filter(workspace=owner.workspace).exists()


def test_an_empty_text_is_a_problem_of_the_text_column(owner: Persona, sandbox) -> None:
    csv = HEADER + f",@demo,{later()},,\n"
    dry = csv_import.dry_run(caller=session_caller(owner), data=csv.encode(), zone=UTC)
    [problem] = dry.rows[0].problems
    assert (problem.column, problem.rule) == ("text", "targets.text.required")
