"""Dashboard pages answer odd query parameters with a page, never a 500 (issue #15, point 3).

Dates at the ends of the calendar (year 1, year 9999) overflowed once a month grid was padded
or a midnight moved into a zone 14 hours away.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Persona
from tests.dashboard.helpers import make_post

FAR_DAYS = ["9999-12-31", "9999-12-01", "0001-01-01", "0001-01-31"]
ZONES = ["Pacific/Kiritimati", "Etc/GMT+12"]  # UTC+14 and UTC-12


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("view", ["month", "week"])
@pytest.mark.parametrize("day", FAR_DAYS)
def test_the_calendar_clamps_far_dates(
    owner_client: Client, day: str, view: str, zone: str
) -> None:
    owner_client.cookies["lmp_tz"] = zone
    response = owner_client.get(reverse("posts:calendar"), {"date": day, "view": view})
    assert response.status_code == 200
    year = "9998" if day.startswith("9999") else "0002"
    assert year in response.content.decode()


@pytest.mark.parametrize("zone", ZONES)
def test_the_log_filter_treats_far_dates_as_no_bound(
    owner: Persona, owner_client: Client, sandbox, zone: str
) -> None:
    make_post(owner, sandbox, "still listed")
    owner_client.cookies["lmp_tz"] = zone
    response = owner_client.get(
        reverse("posts:log"), {"date_from": "0001-01-01", "date_to": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "still listed" in response.content.decode()
