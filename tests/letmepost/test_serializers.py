"""ThreadCachedFields: one copy of the fields per thread, and no state carried between uses."""

from __future__ import annotations

import threading
from typing import Any

from posts.api.serializers import CreatePostIn

ACCOUNT = "01a24e38-aaa7-7fd3-907c-05bd64033063"


def _validate(body: dict[str, Any]) -> tuple[bool, Any]:
    serializer = CreatePostIn(data=body)
    return serializer.is_valid(), serializer.errors or serializer.validated_data


def test_successive_validations_on_one_thread_are_independent() -> None:
    bad_target = {"targets": [{"text": "no account"}], "text": "x"}
    good = {"targets": [{"account_id": ACCOUNT}], "text": "hello"}
    bad_time = {"targets": [{"account_id": ACCOUNT}], "scheduled_at": "tomorrow"}

    first, second, third, again = (
        _validate(body) for body in (bad_target, good, bad_time, good)
    )

    assert first[0] is False and set(first[1]) == {"targets"}
    assert (
        second == (True, second[1])
        and str(second[1]["targets"][0]["account_id"]) == ACCOUNT
    )
    assert third[0] is False and set(third[1]) == {"scheduled_at"}
    assert again[0] is True and again[1]["text"] == "hello"


def test_fields_are_shared_within_a_thread_and_bound_to_each_instance() -> None:
    one, two = CreatePostIn(data={}), CreatePostIn(data={})

    assert one.fields["targets"] is two.fields["targets"]
    assert two.fields["targets"].parent is two and two.fields["targets"].root is two


def test_each_thread_has_its_own_fields() -> None:
    here = CreatePostIn(data={}).fields["targets"]
    there: list[Any] = []
    thread = threading.Thread(
        target=lambda: there.append(CreatePostIn(data={}).fields["targets"])
    )
    thread.start()
    thread.join()

    assert there and there[0] is not here
