"""Dashboard forms for webhook endpoints and test sends (shape only; the API's serializers decide)."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from letmepost.dashboard import Form
from webhooks.api.serializers import EndpointIn
from webhooks.catalog import EVENT_TYPES
from webhooks.samples import sample_data

EVENT_CHOICES = [(t, t) for t in EVENT_TYPES]


class EndpointForm(Form):
    serializer_class = EndpointIn
    url = forms.CharField(
        label="Receiver URL",
        max_length=2048,
        widget=forms.URLInput(
            attrs={"placeholder": "https://example.com/hooks/letmepost"}
        ),
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=EVENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave every box empty to receive every type.",
    )
    description = forms.CharField(label="Description", max_length=500, required=False)

    def serializer_data(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": cleaned.get("url", ""),
            "events": list(cleaned.get("events") or []),
            "description": cleaned.get("description") or "",
        }


def sample_payload(type: str) -> str:
    return json.dumps(sample_data(type), indent=2, ensure_ascii=False, default=str)


class TestSendForm(Form):
    type = forms.ChoiceField(
        label="Event type", choices=EVENT_CHOICES, initial="post.published"
    )
    payload = forms.CharField(
        label="Payload (the event's data, JSON)",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 12, "spellcheck": "false", "class": "mono"}
        ),
        help_text="Sent as the envelope's data. Leave empty for a sample of the type's real shape.",
    )

    def clean_payload(self) -> Any:
        text = (self.cleaned_data.get("payload") or "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"The payload is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
            ) from None
