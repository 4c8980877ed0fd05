"""Connect forms, built from what the adapter declares: nothing here names a platform.

Credential platforms: the adapter's `credential_fields`. OAuth platforms that ask the person
something before leaving for the provider (a Mastodon server) override `prepare_oauth`; their
form then offers the API's own connect parameters (`ConnectIn`), labelled by its help text.
"""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Profile
from letmepost.api.errors import camel
from letmepost.dashboard import Form, add_service_error
from letmepost.errors import LetmepostError, PlatformUnavailable
from letmepost.forms import choice_field
from platforms.api.serializers import ConnectIn
from platforms.base import CredentialField, PlatformAdapter
from platforms.oauth import OAuthConnect

# ConnectIn fields that are not questions for the person: the dashboard sets them itself.
_MANAGED = {"profile_id", "return_to"}


def _text_field(
    label: str,
    *,
    required: bool,
    kind: str = "text",
    placeholder: str | None = None,
    help_text: str = "",
) -> forms.Field:
    attrs = {"placeholder": placeholder or "", "autocomplete": "off"}
    widget: forms.Widget
    if kind == "password":
        widget = forms.PasswordInput(attrs=attrs)
    elif kind == "url":
        widget = forms.URLInput(attrs=attrs)
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label, required=required, widget=widget, strip=True, help_text=help_text
    )


def _credential_field(spec: CredentialField) -> forms.Field:
    return _text_field(
        spec.label, required=spec.required, kind=spec.type, placeholder=spec.placeholder
    )


def asks_before_oauth(adapter: type[PlatformAdapter]) -> bool:
    """True when the adapter needs connect parameters (e.g. which server) to start OAuth."""
    prepare = getattr(adapter, "prepare_oauth", None)
    return prepare is not None and (
        getattr(prepare, "__func__", prepare) is not OAuthConnect.prepare_oauth.__func__  # type: ignore[attr-defined]
    )


class ConnectForm(Form):
    """Profile to connect into, then the adapter's own fields (prefixed by the platform slug)."""

    profile = forms.ChoiceField(label="Profile")

    def __init__(
        self,
        *args: Any,
        adapter: type[PlatformAdapter],
        profiles: list[Profile],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", adapter.slug)
        super().__init__(*args, **kwargs)
        self.adapter = adapter
        self.profiles = {str(p.pk): p for p in profiles}
        choice_field(self.fields, "profile").choices = [
            (str(p.pk), p.name) for p in profiles
        ]
        if len(profiles) == 1:
            self.fields["profile"].widget = forms.HiddenInput()
        self.param_names: list[str] = []
        # API name (`instanceUrl`) → (form field, example) of each question asked before OAuth.
        self.asked: dict[str, tuple[str, str]] = {}
        if adapter.connect_kind == "credentials":
            for spec in adapter.credential_fields:
                self.fields[spec.name] = _credential_field(spec)
                self.param_names.append(spec.name)
        elif asks_before_oauth(adapter):
            for name, field in ConnectIn().fields.items():
                if name in _MANAGED:
                    continue
                label = name.replace("_", " ").capitalize().replace("url", "URL")
                # Asked because the platform needs it: a blank answer gets a sentence for a
                # person here, not the API's "Send {...}" (help text: what to enter).
                help_text = str(field.help_text or "")
                self.fields[name] = _text_field(
                    label,
                    required=True,
                    kind="url" if name.endswith("url") else "text",
                    help_text=help_text,
                )
                example = help_text.partition("e.g. ")[2]
                self.asked[camel(name)] = (name, example.rstrip("."))
                self.fields[name].error_messages["required"] = (
                    f"Enter the {label[0].lower()}{label[1:]} to connect {adapter.display_name}"
                    + (f", for example {example}" if example else ".")
                )
                self.param_names.append(name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.is_oauth and not self.errors:
            params = ConnectIn(
                data=self.payload()
            )  # the API's shape for these parameters
            if params.is_valid():
                self.oauth_params = dict(params.validated_data)
            else:
                for name, errors in params.errors.items():
                    for error in errors:
                        self.add_error(
                            name if name in self.fields else None, str(error)
                        )
        return cleaned

    def add_refusal(self, exc: LetmepostError) -> None:
        """Show why connecting was refused. A server address typed here that is malformed, not
        https or does not answer gets a sentence for a person, not the API's wording."""
        asked = self.asked.get(exc.rule or "") or (
            next(iter(self.asked.values()))
            if len(self.asked) == 1 and isinstance(exc, PlatformUnavailable)
            else None
        )
        if asked is None:
            add_service_error(self, exc, exc.rule)
            return
        name, example = asked
        value = self.cleaned_data.get(name, "")
        address = f"your server's address, for example {example}" if example else "it"
        if isinstance(exc, PlatformUnavailable):
            reason = f"No {self.adapter.display_name} server answered at {value}."
        elif str(value).lower().startswith("http://"):
            reason = "The address must start with https://, so your sign-in travels encrypted."
        else:
            reason = f"{value} is not a server address."
        self.add_error(name, f"{reason} Check {address}, and try again.")

    @property
    def is_oauth(self) -> bool:
        return self.adapter.connect_kind != "credentials"

    def chosen_profile(self) -> Profile:
        return self.profiles[self.cleaned_data["profile"]]

    def payload(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.param_names
            if self.cleaned_data.get(name) not in (None, "")
        }
