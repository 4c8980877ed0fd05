"""Dashboard form for uploads (shape only: the bytes are judged by media.services)."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Profile
from letmepost.dashboard import Form
from letmepost.forms import choice_field


class UploadForm(Form):
    file = forms.FileField(
        label="File",
        help_text="JPEG, PNG, GIF or WebP images; MP4, MOV or WebM videos; PDF documents (LinkedIn). "
        "The type is read from the bytes.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/gif,image/webp,video/mp4,video/quicktime,video/webm,"
                "application/pdf"
            }
        ),
    )
    profile_id = forms.ChoiceField(label="Profile", required=False)

    def __init__(
        self, *args: Any, profiles: list[Profile], default: Profile, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.profiles = {str(p.pk): p for p in profiles}
        # Each profile once, the default one picked (a blank "default" entry would name it twice).
        field = choice_field(self.fields, "profile_id")
        field.choices = [(str(p.pk), p.name) for p in profiles]
        field.initial = str(default.pk)
        if len(profiles) <= 1:
            field.widget = forms.HiddenInput()

    def profile(self) -> Profile | None:
        return self.profiles.get(str(self.cleaned_data.get("profile_id") or ""))
