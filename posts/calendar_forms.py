"""The calendar's filters (GET), and the rows of a profile's queue editor (POST)."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.http import QueryDict

from accounts.models import Profile
from letmepost.dashboard import Form
from letmepost.forms import choice_field
from platforms.models import PlatformAccount
from posts.forms import STATUS_CHOICES
from posts.queue_slots import WEEKDAYS
from posts.selectors import LogFilter

FILTERS = ("profile", "account", "status")


class CalendarFilterForm(Form):
    profile = forms.ChoiceField(label="Profile", required=False)
    account = forms.ChoiceField(label="Account", required=False)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)

    def __init__(
        self,
        *args: Any,
        profiles: list[Profile],
        accounts: list[PlatformAccount],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.profiles = {str(p.pk): p for p in profiles}
        choice_field(self.fields, "profile").choices = [("", "Every profile")] + [
            (pk, p.name) for pk, p in self.profiles.items()
        ]
        choice_field(self.fields, "account").choices = [("", "Every account")] + [
            (str(a.pk), f"{a.display_name or a.external_id} ({a.platform})")
            for a in accounts
        ]

    def log_filter(self) -> LogFilter:
        """The log's filter the choices describe (nothing narrowed when they are invalid)."""
        if not self.is_valid():
            return LogFilter()
        data = self.cleaned_data
        return LogFilter(
            profile=self.profiles.get(data["profile"]),
            statuses=tuple(filter(None, data["status"].split(","))),
            account_ids=(data["account"],) if data["account"] else (),
        )

    def query(self) -> str:
        """The chosen filters as a query string, to keep them across views and weeks."""
        kept = QueryDict(mutable=True)
        if self.is_valid():
            kept.update({k: v for k in FILTERS if (v := self.cleaned_data[k])})
        return kept.urlencode()


WEEKDAY_CHOICES = [("", "Pick a day")] + [(d, d.capitalize()) for d in WEEKDAYS]


def queue_rows(data: QueryDict) -> list[dict[str, str]]:
    """The queue editor's weekday/time rows as sent (repeated `weekday` and `time` fields),
    blank ones included so that a row's index stays its position on the page."""
    days, times = data.getlist("weekday"), data.getlist("time")
    size = max(len(days), len(times))
    days, times = days + [""] * (size - len(days)), times + [""] * (size - len(times))
    return [{"weekday": d, "time": t} for d, t in zip(days, times, strict=True)]


def filled(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows to save: a row left blank (added, never filled in) is no slot."""
    return [r for r in rows if r["weekday"] or r["time"]]


@cache
def time_zones() -> list[str]:
    """Every IANA zone name, for the editor's suggestions (the server checks the same set)."""
    return sorted(available_timezones())
