"""`letmepost queue show` / `queue set`: a profile's posting queue from the terminal."""

from __future__ import annotations

import json
import uuid

import pytest
import test_cli

from letmepost import Letmepost
from letmepost.cli.slots import parse_slot

run = test_cli.run  # the CLI runner fixture


@pytest.fixture
def profile_id(server) -> str:
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        # One server for the session: each test gets its own profile (names must differ).
        return lmp.profiles.create(name=f"Queue CLI {uuid.uuid4().hex[:8]}")["id"]


def test_queue_set_replaces_the_slots_and_show_lists_them(
    run, server, profile_id
) -> None:
    saved = run(
        "queue", "set", "--profile", profile_id, "--timezone", "Europe/Berlin",
        "--slot", "mon@09:00", "--slot", "wed@7:30,friday@17:45",
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout == (
        f"✔ Queue of profile {profile_id}: 3 slots a week in Europe/Berlin: "
        "mon@09:00, wed@07:30, fri@17:45\n"
    )
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        assert lmp.queues.get(profile_id) == {
            "timezone": "Europe/Berlin",
            "slots": [
                {"weekday": "monday", "time": "09:00"},
                {"weekday": "wednesday", "time": "07:30"},
                {"weekday": "friday", "time": "17:45"},
            ],
        }

    shown = run("queue", "show", "--profile", profile_id, "--days", "7", "--json")
    assert shown.returncode == 0, shown.stderr
    listing = json.loads(shown.stdout)
    assert (listing["profileId"], listing["timezone"]) == (profile_id, "Europe/Berlin")
    assert sorted(e["weekday"] for e in listing["data"]) == [
        "friday",
        "monday",
        "wednesday",
    ]
    assert all(e["posts"] == [] for e in listing["data"])

    human = run("queue", "show", "--profile", profile_id)
    assert human.stdout.startswith(f"Queue of profile {profile_id}, in Europe/Berlin\n")
    assert "mon@09:00" in human.stdout and "free" in human.stdout


def test_queue_show_names_the_post_holding_a_slot(run, server, profile_id) -> None:
    assert run("queue", "set", "--profile", profile_id, "--timezone", "UTC",
               "--slot", "0@02:10,1@02:10,2@02:10,3@02:10,4@02:10,5@02:10,6@02:10").returncode == 0  # fmt: skip
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        account = lmp.accounts.complete_connect(
            "sandbox", {"handle": "cli-queue-show"}, profile_id=profile_id
        )
        try:
            posted = run(
                "post", "q", "--to", account["id"], "--at", "next_slot", "--json"
            )
            post_id = json.loads(posted.stdout)["results"][0]["postId"]
            shown = json.loads(
                run("queue", "show", "--profile", profile_id, "--json").stdout
            )
            assert shown["data"][0]["posts"] == [{"id": post_id, "status": "queued"}]
            human = run("queue", "show", "--profile", profile_id).stdout
            assert f"{post_id} (queued)" in human
        finally:
            lmp.accounts.disconnect(account["id"])  # cancels the post


def test_queue_set_clear_empties_the_queue(run, server, profile_id) -> None:
    run(
        "queue",
        "set",
        "--profile",
        profile_id,
        "--timezone",
        "UTC",
        "--slot",
        "sun@10:00",
    )
    cleared = run(
        "queue",
        "set",
        "--profile",
        profile_id,
        "--timezone",
        "UTC",
        "--clear",
        "--json",
    )
    assert cleared.returncode == 0, cleared.stderr
    assert json.loads(cleared.stdout) == {"timezone": "UTC", "slots": []}
    human = run("queue", "show", "--profile", profile_id)
    assert "No slots ahead" in human.stdout


def test_queue_set_refuses_a_bad_slot_before_any_request(run, profile_id) -> None:
    typo = run(
        "queue", "set", "--profile", profile_id, "--timezone", "UTC", "--slot", "mo@9"
    )
    assert typo.returncode == 2
    assert "is not a slot" in typo.stderr
    neither = run("queue", "set", "--profile", profile_id, "--timezone", "UTC")
    assert neither.returncode == 2 and "--clear" in neither.stderr


def test_queue_set_shows_the_servers_refusal(run, profile_id) -> None:
    bad_zone = run("queue", "set", "--profile", profile_id, "--timezone", "Mars/Olympus",
                   "--slot", "mon@09:00", "--json")  # fmt: skip
    assert bad_zone.returncode == 1
    assert json.loads(bad_zone.stdout)["error"]["code"] == "validation_failed"


def test_queue_set_without_a_profile_says_how_to_name_one(run) -> None:
    missing = run("queue", "set", "--timezone", "UTC", "--slot", "mon@09:00")
    assert missing.returncode == 1
    assert "--profile" in missing.stderr


@pytest.mark.parametrize(
    ("given", "slot"),
    [
        ("mon@09:00", {"weekday": "monday", "time": "09:00"}),
        ("Tu@9:05", {"weekday": "tuesday", "time": "09:05"}),
        ("6@23:59", {"weekday": "sunday", "time": "23:59"}),
    ],
)
def test_a_slot_is_a_day_and_a_wall_clock_time(given: str, slot: dict) -> None:
    assert parse_slot(given) == slot


@pytest.mark.parametrize("given", ["t@09:00", "mon@24:00", "mon 09:00", "7@09:00"])
def test_an_ambiguous_or_impossible_slot_is_refused(given: str) -> None:
    with pytest.raises(ValueError):
        parse_slot(given)
