"""Platforms whose threads are comments: LinkedIn, Facebook, Instagram, YouTube.

On these a thread item or a first comment is a comment under the first post (`reply_to.root`),
never a post of its own, so it meets the platform's comment rules instead of its post rules.
Those rules are declared in the platform's preflight module like any other, with the REPLY
phase (`comment_rule`), so the catalog lists them and `preflight_reply` runs only them.

No comment API here takes an idempotency key, and none lets a comment carry a hidden marker. A
lost answer is reconciled by reading the post's comments for one by our account with exactly
our text (`the_one`); two such comments, or a list too long to read whole, cannot be told
apart, so the adapter raises ReconcileUnsupported rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from letmepost.errors import PlatformRejected
from platforms.base import (
    Draft,
    PlatformAdapter,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
    Violation,
)
from platforms.preflight import checks as c
from platforms.preflight.catalog import reply_rules_for
from platforms.preflight.spec import REPLY, SHAPE, CheckedRule, RuleSpec

T = TypeVar("T")


class CommentClient(Protocol):
    def create_comment(self, post_id: int, content: str) -> dict[str, Any]: ...


C = TypeVar("C", bound=CommentClient)

NO_MEDIA_REMEDIATION = "Send the comment as text only; put media in the post itself."


class CommentThreads(PlatformAdapter):
    """An adapter whose thread items and first comments are comments on the first post."""

    thread_style: ClassVar[str | None] = "comments"

    def preflight_reply(self, draft: Draft) -> list[Violation]:
        """The platform's comment rules (its REPLY-phase rules), not its post rules."""
        draft = self._with_account_limits(draft)
        return [
            v for rule in reply_rules_for(self.slug) if (v := rule(draft)) is not None
        ]


class SessionComments(CommentThreads, Generic[C]):
    """Comment threads on a platform where every call runs inside `_authed` (a client with the
    account's credentials, re-logging in where the platform needs it): Lemmy, WordPress. The
    post and the comment are each that one call; the subclass says how to build and read them."""

    def _authed(self, call: Callable[[C], T]) -> T:
        raise NotImplementedError

    def _publish(self, client: C, draft: Draft) -> PublishResult:
        raise NotImplementedError

    def _comment_result(self, comment: Mapping[str, Any]) -> PublishResult:
        raise NotImplementedError

    def publish(self, draft: Draft) -> PublishResult:
        return self._authed(lambda client: self._publish(client, draft))

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        post = int(post_id(reply_to, self.slug))
        comment = self._authed(lambda client: client.create_comment(post, draft.text))
        return self._comment_result(comment)


def comment_rule(rule: CheckedRule) -> CheckedRule:
    """The same check, run on each comment instead of on the post."""
    return replace(rule, phase=REPLY)


def text_non_empty(rule_id: str, source_url: str) -> CheckedRule:
    """A comment must have visible text."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        "A comment (thread item or first comment) must contain a non-whitespace character.",
        "Give every thread item and the first comment some text.",
        source_url=source_url,
    )
    return comment_rule(c.text_non_empty(spec))


def text_max(
    rule_id: str, maximum: int, source_url: str, *, notes: str = ""
) -> CheckedRule:
    """A comment's text is at most `maximum` graphemes."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        f"A comment (thread item or first comment) must be at most {maximum:,} graphemes.",
        f"Trim the comment to {maximum:,} graphemes, or split it into more thread items.",
        {"max_graphemes": maximum},
        source_url=source_url,
        notes=notes,
    )
    return comment_rule(c.text_max(spec, "max_graphemes", what="The comment"))


def no_media(rule_id: str, source_url: str, *, notes: str = "") -> CheckedRule:
    """The platform's comments are text only."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        "A comment (thread item or first comment) carries no media.",
        NO_MEDIA_REMEDIATION,
        source_url=source_url,
        notes=notes,
    )

    def check(draft: Draft) -> Violation | None:
        if not draft.media:
            return None
        return spec.violation(
            f"The comment has {len(draft.media)} media items; {c.name(spec)} comments are "
            "text only.",
            field="media",
        )

    return CheckedRule(spec, check, phase=REPLY)


def post_id(reply_to: ReplyTo, slug: str) -> str:
    """The platform's id of the post the comments go under.

    A post confirmed without its id (an unmatched reconcile) cannot take comments: refused
    before anything is sent.
    """
    if not reply_to.root.cid:
        raise PlatformRejected(
            "The post was published but its id is unknown, so its comments cannot be posted.",
            platform=slug,
            remediation="Post the comments by hand on the published post.",
        )
    return reply_to.root.cid


def earlier(reply_to: ReplyTo) -> frozenset[str]:
    """Ids of comments that are certainly not this item: the post, and `parent` (the previous
    item, when the engine names it rather than the post)."""
    return frozenset(r.cid for r in (reply_to.root, reply_to.parent) if r.cid)


def the_one(matches: Sequence[T], *, complete: bool, slug: str) -> T | None:
    """Our comment among `matches` (the post's comments by this account with exactly the
    draft's text, earlier items left out), None when it is certainly absent.

    `complete` says the listing held every comment of the post. Two matches (the same text
    twice), or none in a partial listing, cannot be decided: ReconcileUnsupported.
    """
    if len(matches) > 1 or (not matches and not complete):
        raise ReconcileUnsupported(slug)
    return matches[0] if matches else None
