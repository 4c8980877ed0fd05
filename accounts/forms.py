"""Dashboard forms for workspaces, members, profiles and API keys (shape only)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from accounts.api.serializers import ApiKeyIn, ProfileIn, ProfilePatchIn
from accounts.models import ApiKey, Membership, Profile
from letmepost.dashboard import Form
from letmepost.forms import choice_field

ROLE_CHOICES = [
    (Membership.Role.MEMBER, "Member: compose, connect accounts, read the log"),
    (Membership.Role.ADMIN, "Admin: also members, profiles and API keys"),
    (Membership.Role.OWNER, "Owner: everything, including owners"),
]


class WorkspaceForm(Form):
    name = forms.CharField(label="Workspace name", max_length=120)


class InviteForm(Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(
            attrs={"autocomplete": "off", "placeholder": "name@example.com"}
        ),
    )
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES, initial="member")


class RoleForm(Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)


class ProfileForm(Form):
    serializer_class: ClassVar[type[ProfileIn | ProfilePatchIn]] = ProfileIn
    name = forms.CharField(label="Name", max_length=120)
    slug = forms.CharField(
        label="Slug",
        required=False,
        max_length=64,
        help_text="Lowercase letters, digits and dashes. Leave empty to derive it from the name.",
    )


class ProfileEditForm(ProfileForm):
    serializer_class = ProfilePatchIn


class ApiKeyForm(Form):
    serializer_class = ApiKeyIn
    name = forms.CharField(label="Name", max_length=100, initial="")
    # Django's metaclass moves declared fields off the class; the stubs see BaseForm.prefix.
    prefix = forms.ChoiceField(  # type: ignore[assignment]
        label="Environment",
        choices=[
            (ApiKey.Prefix.LIVE, "Live: publishes for real (lmp_live_…)"),
            (ApiKey.Prefix.TEST, "Test: everything goes to the sandbox (lmp_test_…)"),
        ],
        initial=ApiKey.Prefix.LIVE,
        widget=forms.RadioSelect,
    )
    profile_id = forms.ChoiceField(
        label="Scope",
        required=False,
        help_text="A profile-scoped key sees only that profile's accounts and posts.",
    )

    def __init__(self, *args: Any, profiles: list[Profile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profiles = {str(p.pk): p for p in profiles}
        choice_field(self.fields, "profile_id").choices = [("", "Whole workspace")] + [
            (str(p.pk), f"Profile: {p.name}") for p in profiles
        ]

    def profile(self) -> Profile | None:
        return self.profiles.get(str(self.validated.get("profile_id") or ""))
