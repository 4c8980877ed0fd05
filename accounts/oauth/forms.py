"""The consent form: django-oauth-toolkit's hidden protocol fields plus where the client may act."""

from __future__ import annotations

from typing import Any

from django import forms
from oauth2_provider.forms import AllowForm

from accounts.models import Membership, Profile, User, Workspace


def grant_targets(user: User) -> list[tuple[str, str]]:
    """Each workspace of the person (all its profiles), then each of its profiles alone."""
    choices: list[tuple[str, str]] = []
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("created_at")
    )
    for m in memberships:
        choices.append((f"w:{m.workspace_id}", f"{m.workspace.name}: every profile"))
        for p in Profile.objects.filter(workspace_id=m.workspace_id):
            choices.append((f"p:{p.pk}", f"{m.workspace.name}: profile {p.name} only"))
    return choices


class ConsentForm(AllowForm):
    target = forms.ChoiceField(label="Where may it act?", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["target"].choices = grant_targets(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("allow") and not cleaned.get("target"):
            self.add_error("target", "Choose a workspace or a profile.")
        return cleaned

    def chosen(self) -> tuple[Workspace, Profile | None]:
        """The workspace and profile picked; the choices only list the person's own."""
        kind, _, pk = self.cleaned_data["target"].partition(":")
        memberships = Membership.objects.filter(user=self.user)
        if kind == "p":
            profile = Profile.objects.select_related("workspace").get(
                pk=pk, workspace__memberships__in=memberships
            )
            return profile.workspace, profile
        return Workspace.objects.get(pk=pk, memberships__in=memberships), None
