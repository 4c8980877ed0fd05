"""Dashboard forms for posts: compose, log filters, reschedule. Shape only; rules live in services."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo
from typing import Any, cast

from django import forms
from django.http import QueryDict

from letmepost.dashboard import Form, parse_zone, to_utc
from letmepost.forms import choice_field
from platforms.models import PlatformAccount
from platforms.registry import KNOWN_PLATFORMS
from posts import bulk, csv_import
from posts.api.serializers import NEXT_SLOT, CreatePostIn, to_request
from posts.calendar import FIRST_DAY, LAST_DAY
from posts.models import PostTarget
from posts.requests import PostRequest

NOW, SCHEDULE, QUEUE = "now", "schedule", "queue"
THREAD_FIELD = "thread_text"  # one repeated field per thread item, in order


def _zone(form: forms.Form, fallback: tzinfo) -> tzinfo:
    """The zone the browser sent with the form (IANA name or minutes east of UTC)."""
    return (
        parse_zone(form.cleaned_data.get("tz"))
        or parse_zone(form.cleaned_data.get("tz_offset"))
        or fallback
    )


class WhenFields(Form):
    """A wall-clock date and time in the viewer's zone, converted to UTC on the server."""

    scheduled_date = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    scheduled_time = forms.TimeField(
        label="Time", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    tz = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-tz": ""})
    )
    tz_offset = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-tz-offset": ""})
    )

    def __init__(self, *args: Any, zone: tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer_zone = zone

    def scheduled_at(self, *, required: bool) -> datetime | None:
        day = self.cleaned_data.get("scheduled_date")
        clock = self.cleaned_data.get("scheduled_time")
        if day is None or clock is None:
            if required:
                for name, value in (("scheduled_date", day), ("scheduled_time", clock)):
                    if value is None and name not in self.errors:
                        self.add_error(name, "Pick a date and a time to schedule.")
            return None
        self.zone = _zone(self, self.viewer_zone)
        return to_utc(day, clock, self.zone)


class ComposeForm(WhenFields):
    """One text for every picked account, with an optional override per account.

    Attached media arrive as parallel lists (`media_id`, `media_kind`, `media_alt`), one entry
    per item the compose page uploaded through `POST /v1/media`; thread items as the repeated
    `thread_text` field, in order (blank ones are spare fields, left out).
    """

    serializer_class = CreatePostIn

    text = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 7, "placeholder": "What do you want to say?"}
        ),
    )
    first_comment = forms.CharField(
        label="First comment",
        required=False,
        strip=False,
        help_text="Posted as a reply right after the post, where the platform allows it.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    auto_thread = forms.BooleanField(
        label="Auto-split long text",
        required=False,
        help_text="A text too long for an account's platform becomes a numbered thread there.",
    )
    accounts = forms.MultipleChoiceField(
        label="Accounts",
        widget=forms.CheckboxSelectMultiple,
        required=True,
        error_messages={"required": "Pick at least one account to post to."},
    )
    mode = forms.ChoiceField(
        label="When",
        choices=[(NOW, "Publish now"), (SCHEDULE, "Schedule"), (QUEUE, "Add to queue")],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    draft_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        accounts: list[PlatformAccount],
        save_as_draft: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.save_as_draft = save_as_draft
        if save_as_draft:
            self.fields["mode"].required = False  # the time is picked when it is sent
            self.fields["accounts"].error_messages["required"] = (
                "Tick at least one account to save the draft for: a draft keeps where it "
                "will be sent."
            )
        self.account_list = accounts
        choice_field(self.fields, "accounts").choices = [
            (str(a.pk), str(a.pk)) for a in accounts
        ]
        for account in accounts:
            self.fields[self.override_name(account)] = forms.CharField(
                label=f"Text for {account.display_name or account.external_id} only",
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @staticmethod
    def override_name(account: PlatformAccount) -> str:
        return f"text_{account.pk}"

    def media_items(self) -> list[dict[str, str]]:
        """The attached media as the page sent them, in order (unchecked: for re-rendering)."""
        if not self.is_bound:
            return []
        data = cast(QueryDict, self.data)  # bound from request.POST: repeated fields
        ids = data.getlist("media_id")
        kinds = data.getlist("media_kind")
        alts = data.getlist("media_alt")
        return [
            {
                "id": media_id,
                "kind": kinds[i] if i < len(kinds) else "",
                "alt": alts[i] if i < len(alts) else "",
            }
            for i, media_id in enumerate(ids)
        ]

    def thread_texts(self) -> list[str]:
        """The thread items as the page sent them, in order, blanks kept (for re-rendering)."""
        if not self.is_bound:
            return []
        return cast(QueryDict, self.data).getlist(THREAD_FIELD)

    def thread_items(self) -> list[str]:
        """The items to post after the first: every item field with text, in order."""
        return [text for text in self.thread_texts() if text.strip()]

    def picked(self) -> list[PlatformAccount]:
        chosen = set(self.cleaned_data.get("accounts") or ())
        return [a for a in self.account_list if str(a.pk) in chosen]

    def post_request(self) -> PostRequest:
        """What a valid form asks the services for, parsed as the API parses its body."""
        return to_request(self.validated)

    def serializer_data(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The API request body (CreatePostIn's input) this form describes."""
        targets = []
        for account in self.picked():
            target: dict[str, Any] = {"account_id": str(account.pk)}
            if override := cleaned.get(self.override_name(account)):
                target["text"] = override
            targets.append(target)
        data: dict[str, Any] = {"targets": targets}
        if cleaned.get("text"):
            data["text"] = cleaned["text"]
        if cleaned.get("first_comment", "").strip():
            data["first_comment"] = {"text": cleaned["first_comment"]}
        if thread := self.thread_items():
            data["thread"] = [{"text": text} for text in thread]
        if cleaned.get("auto_thread"):
            data["auto_thread"] = True
        if media := self.media_items():
            data["media"] = [
                {"kind": m["kind"], "media_id": m["id"]}
                | ({"alt_text": m["alt"]} if m["alt"] else {})
                for m in media
            ]
        if self.save_as_draft:
            data["draft"] = True  # the schedule is picked when the draft is sent
        elif cleaned.get("mode") == SCHEDULE:
            when = self.scheduled_at(required=True)
            if when is not None:
                data["scheduled_at"] = when
        elif cleaned.get("mode") == QUEUE:  # the profile queue's next free slot
            data["scheduled_at"] = NEXT_SLOT
        else:
            data["publish_now"] = True
        return data


class RescheduleForm(WhenFields):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            self.when = self.scheduled_at(required=True)
        return cleaned


class BulkForm(WhenFields):
    """The log's bulk bar: an action for the ticked posts (`post`), and a time to reschedule to."""

    action = forms.ChoiceField(
        label="Action",
        choices=[
            (bulk.CANCEL, "Cancel"),
            (bulk.RESCHEDULE, "Reschedule"),
            (bulk.RETRY, "Retry"),
        ],
    )
    confirm_unknown = forms.BooleanField(
        label="Retry even posts whose last attempt may have been published",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.when = None
        if not self.errors and cleaned.get("action") == bulk.RESCHEDULE:
            self.when = self.scheduled_at(required=True)
        return cleaned


STATUS_CHOICES = [
    ("", "Any status"),
    ("failed,rejected", "Failed or rejected"),
    *PostTarget.Status.choices,
]


class LogFilterForm(Form):
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    platform = forms.ChoiceField(label="Platform", required=False)
    account = forms.ChoiceField(label="Account", required=False)
    error_code = forms.CharField(
        label="Error code",
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"list": "error-codes", "placeholder": "e.g. platform_rejected"}
        ),
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label="Text contains",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "Search post text"}),
    )

    def __init__(
        self, *args: Any, accounts: list[PlatformAccount], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields, "platform").choices = [("", "Any platform")] + [
            (p, p) for p in KNOWN_PLATFORMS
        ]
        choice_field(self.fields, "account").choices = [("", "Any account")] + [
            (
                str(a.pk),
                f"{a.display_name or a.external_id} ({a.platform})"
                + (" · disconnected" if a.deleted_at else ""),
            )
            for a in accounts
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def window(self, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
        """[from 00:00, the day after `to` 00:00) in the viewer's zone, as UTC."""
        start, end = (
            self.cleaned_data.get("date_from"),
            self.cleaned_data.get("date_to"),
        )
        # Days outside the calendar's range bound nothing, and near year 1 or 9999 their
        # midnights in some zones are past what datetime can hold: no bound at all.
        after = to_utc(start, time.min, zone) if start and start >= FIRST_DAY else None
        before = (
            to_utc(end + timedelta(days=1), time.min, zone)
            if end and end <= LAST_DAY
            else None
        )
        return after, before


class ImportForm(Form):
    """A CSV of posts: uploaded, or its text pasted (and edited after a dry run)."""

    file = forms.FileField(
        label="CSV file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    csv_text = forms.CharField(
        label="Or the CSV text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def skipped(self) -> set[int]:
        """The row numbers ticked "leave out" (checkboxes the dry run's report renders)."""
        numbers = cast(QueryDict, self.data).getlist("skip") if self.is_bound else []
        return {int(n) for n in numbers if n.isdigit()}

    def content(self) -> bytes | None:
        """The file's bytes (an upload wins over the text), at most one byte past the limit."""
        if upload := self.cleaned_data.get("file"):
            return bytes(upload.read(csv_import.MAX_BYTES + 1))
        text = self.cleaned_data.get("csv_text") or ""
        return text.encode() if text.strip() else None
