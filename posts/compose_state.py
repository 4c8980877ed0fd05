"""What the compose page shows: a reopened draft as form data, and previews of attached media."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from accounts.models import Workspace
from letmepost.ids import parse_uuid
from posts.forms import NOW, SCHEDULE
from posts.models import Post, PostTarget, ThreadItem


def open_draft(
    workspace: Workspace, post_id: str | None, *, livemode: bool
) -> Post | None:
    """The workspace's batch `post_id`, in the caller's mode, if it still holds draft targets."""
    pk = parse_uuid(post_id or "")
    if pk is None:
        return None
    return (
        Post.objects.filter(
            workspace=workspace,
            livemode=livemode,
            pk=pk,
            targets__status=PostTarget.Status.DRAFT,
        )
        .distinct()
        .first()
    )


def draft_initial(
    post: Post, zone: tzinfo
) -> tuple[dict[str, Any], list[dict[str, str]], list[str]]:
    """Form initial data, media items and thread item texts that rebuild the compose page a
    draft was saved from.

    The first target's text is the main text; any other target whose text differs becomes that
    account's override. Media and the thread come from the first target (compose gives every
    account the same).
    """
    targets = list(
        post.targets.filter(status=PostTarget.Status.DRAFT).order_by("position")
    )
    main = targets[0].text if targets else ""
    initial: dict[str, Any] = {
        "accounts": [str(t.account_id) for t in targets],
        "text": main,
        "first_comment": targets[0].first_comment if targets else "",
        "mode": NOW,
        "draft_id": str(post.pk),
    }
    for target in targets[1:]:
        if target.text != main:
            initial[f"text_{target.account_id}"] = target.text
    if (
        post.scheduled_at
    ):  # a planned time saved with the draft (e.g. by a Postiz client)
        local = post.scheduled_at.astimezone(zone)
        initial.update(
            mode=SCHEDULE,
            scheduled_date=local.date(),
            scheduled_time=local.time().replace(second=0, microsecond=0),
        )
    media = [
        {"id": ref["mediaId"], "kind": ref["kind"], "alt": ref.get("altText", "")}
        for ref in (targets[0].media if targets else [])
        if ref.get("mediaId")
    ]
    thread = [
        item.text
        for item in (targets[0].replies.all() if targets else [])
        if item.kind == ThreadItem.Kind.ITEM
    ]
    return initial, media, thread


def media_previews(
    workspace: Workspace, items: list[dict[str, str]], *, livemode: bool
) -> list[dict[str, str]]:
    """Each attached item with its public URL, for the thumbnail; unknown ids keep no URL."""
    from media import selectors, services

    ids = [item["id"] for item in items]
    found = {
        m.pk: m
        for m in selectors.list_media(workspace, livemode=livemode).filter(pk__in=ids)
    }
    return [
        {
            **item,
            "url": services.public_url(found[item["id"]]),
            "name": found[item["id"]].display_name,
        }
        if item["id"] in found
        else {**item, "url": "", "name": item["id"]}
        for item in items
    ]


LIBRARY_PICKS = 24  # the newest media offered in compose; the library page has the rest


def library_picks(workspace: Workspace, *, livemode: bool) -> list[dict[str, str]]:
    """The newest media of the workspace, to attach in compose without uploading again."""
    from media import selectors, services

    return [
        {
            "id": m.pk,
            "kind": m.kind,
            "url": services.public_url(m),
            "name": m.display_name,
            "alt": "",
        }
        for m in selectors.list_media(workspace, livemode=livemode)[:LIBRARY_PICKS]
    ]


def draft_summary(created_violations: int, accounts: int) -> str:
    noun = "account" + ("" if accounts == 1 else "s")
    if not created_violations:
        return f"Draft saved for {accounts} {noun}. It passes preflight; schedule it when ready."
    rules = "rule" + ("" if created_violations == 1 else "s")
    return (
        f"Draft saved for {accounts} {noun}. {created_violations} {rules} still to fix "
        "before it can be sent: see Preflight below."
    )
