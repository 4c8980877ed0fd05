"""Nostr: connect with a private key and relay addresses, publish signed kind:1 notes (NIP-01,
NIP-10) over each relay's websocket.

Connecting: the key (`nsec1…` or hex) is checked and kept encrypted in `credentials`, never in
metadata, messages or logs; the relays must each open a websocket (through the SSRF guard).

Exactly once: a Nostr event's id is the hash of (pubkey, created_at, kind, tags, content) and
BIP-340 signing without auxiliary randomness is deterministic, so a retry that signs the same
draft with the same `created_at` sends the very same event, which every relay stores once (it
answers `duplicate:`). `created_at` is fixed per target: the time of its first attempt (the
engine's `PublishHistory`), else the time in its UUIDv7 id. That id is also the relay-side key
`reconcile()` asks for with `REQ {"ids": [id]}`; when no relay has it, re-sending is harmless.

Media: the stored uploads' public URLs (or the caller's URLs) go into the content, one per line,
each described by a NIP-92 `imeta` tag. Replies and first comments carry NIP-10 marked `e` tags.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import coincurve
from django.conf import settings

from letmepost.errors import (
    LetmepostError,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PublishOutcomeUnknown,
    ValidationFailed,
)
from platforms.base import (
    ConnectedAccount,
    CredentialField,
    Draft,
    MediaItem,
    PlatformAdapter,
    PublishResult,
    ReplyTo,
    option,
)
from platforms.meta.media import public_media_url
from platforms.nostr import PLATFORM_INFO
from platforms.nostr import preflight as rules
from platforms.nostr.events import Event, is_valid, sign
from platforms.nostr.keys import nevent, npub, private_key, public_key_hex
from platforms.nostr.relay import (
    Answer,
    Broken,
    Relay,
    RelayRefused,
    publish_to,
    relay_url,
)
from platforms.versions import pinned_label

MAX_RELAYS = 10
RATE_LIMIT_WAIT = 60  # seconds; NIP-01's `rate-limited:` carries no time


def relay_list(value: object) -> list[str]:
    """Relay addresses from a list or a space/comma/newline separated string, deduplicated."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise ValidationFailed(
            "relays is required: at least one relay address.",
            rule="relays",
            remediation='Send {"relays": ["wss://relay.example.com"]}.',
        )
    urls = list(dict.fromkeys(relay_url(item) for item in items))
    if len(urls) > MAX_RELAYS:
        raise ValidationFailed(
            f"{len(urls)} relays; at most {MAX_RELAYS} are used.",
            rule="relays",
            remediation=f"Keep your {MAX_RELAYS} main relays.",
        )
    return urls


def created_at(draft: Draft) -> int:
    """The note's `created_at`, the same on every attempt of one target (see the module doc).

    A thread item's token is `<target id>.<n>` (posts.threads.item_token): it is dated n
    seconds after the first post, so clients that sort by time show the thread in order.
    """
    target, _, item = draft.idempotency_token.partition(".")
    offset = int(item) if item.isascii() and item.isdigit() else 0
    first = draft.history.first_attempt_at()
    if first is not None:
        return int(first.timestamp()) + offset
    try:
        token = uuid.UUID(target)
    except ValueError:
        token = None
    if token is not None and token.version == 7:
        return (token.int >> 80) // 1000 + offset
    # A draft from outside the engine with a token of its own: nothing fixes a time for it.
    return int(time.time()) + offset


def imeta(url: str, item: MediaItem) -> list[str] | None:
    """NIP-92 `imeta` for one media URL; None when nothing but the URL is known."""
    known = (
        ("m", item.content_type),
        ("alt", item.alt_text),
        ("dim", f"{item.width}x{item.height}" if item.width and item.height else None),
    )
    fields = [f"{name} {value}" for name, value in known if value]
    return ["imeta", f"url {url}", *fields] if fields else None


class NostrAdapter(PlatformAdapter):
    platform = PLATFORM_INFO
    connect_kind = "credentials"
    thread_style = "replies"
    credential_fields = (
        CredentialField(
            "privateKey",
            "Private key (nsec1… or 64 hex characters)",
            type="password",
            placeholder="nsec1…",
        ),
        CredentialField(
            "relays",
            "Relays (wss://…, separated by spaces)",
            placeholder="wss://relay.damus.io wss://nos.lol",
        ),
    )

    def account_limits(self) -> dict[str, Any]:
        relays = self.account.metadata.get("relays")
        return {} if relays is None else {"relay_count": len(relays)}

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        key = private_key(option(payload, "private_key"))
        relays = relay_list(option(payload, "relays"))
        for url in relays:
            try:
                with Relay(url, timeout=settings.NOSTR_RELAY_TIMEOUT_SECONDS):
                    pass
            except Broken as exc:
                raise ValidationFailed(
                    f"The relay {url} could not be reached ({type(exc).__name__}).",
                    rule="relays",
                    remediation="Check the address (wss://…) or leave that relay out.",
                ) from None
        pubkey = public_key_hex(key)
        name = npub(pubkey)
        return ConnectedAccount(
            external_id=pubkey,
            display_name=f"{name[:12]}…{name[-6:]}",
            credentials={"privateKey": key.secret.hex()},
            metadata={"pubkey": pubkey, "npub": name, "relays": relays},
        )

    # --- publishing -------------------------------------------------------------------------

    def _key(self) -> coincurve.PrivateKey:
        return private_key(self.account.credentials.get("privateKey"))

    @property
    def relays(self) -> list[str]:
        return list(self.account.metadata.get("relays") or [])

    def _note(self, draft: Draft, *, tags: list[list[str]] | None = None) -> Event:
        """The signed note for a draft: the same draft, the same event."""
        urls, meta = [], []
        for index, item in enumerate(draft.media):
            url = public_media_url(
                item, platform=self.slug, rule="nostr.media.reachable", index=index
            )
            urls.append(url)
            if (tag := imeta(url, item)) is not None:
                meta.append(tag)
        return sign(
            self._key(),
            created_at=created_at(draft),
            content=rules.note_content(draft.text or "", urls),
            tags=[*(tags or []), *meta],
        )

    def publish(self, draft: Draft) -> PublishResult:
        note = self._note(draft)
        return self._result(self._send(note), note)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Ask the relays for the note's id; None (re-send the same event) when none has it."""
        note = self._note(draft)
        return self._result(found, note) if (found := self._find(note)) else None

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        note = self._reply(draft, reply_to)
        return self._result(self._send(note), note)

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        note = self._reply(draft, reply_to)
        return self._result(found, note) if (found := self._find(note)) else None

    def _reply(self, draft: Draft, reply_to: ReplyTo) -> Event:
        """NIP-10 marked `e` tags: the root, and the parent when it is not the root."""
        pubkey, hint = self.account.metadata["pubkey"], self.relays[0]
        root, parent = reply_to.root.cid or "", reply_to.parent.cid or ""
        tags = [["e", root, hint, "root", pubkey]]
        if parent and parent != root:
            tags.append(["e", parent, hint, "reply", pubkey])
        tags.append(["p", pubkey])
        return self._note(draft, tags=tags)

    def _result(self, answers: list[Answer], note: Event) -> PublishResult:
        """The note as published: its id, a `nostr:nevent1…` address (NIP-19/21) naming up to
        three relays that hold it, and a warning per relay that refused it."""
        hints = [a.relay for a in answers if a.accepted][:3]
        warnings = tuple(
            {
                "code": "relay_refused",
                "message": f"{a.relay}: {a.message or 'no answer'}",
            }
            for a in answers
            if not a.accepted
        )
        return PublishResult(
            uri=f"nostr:{nevent(note.id, hints, note.pubkey)}",
            cid=note.id,
            warnings=warnings,
        )

    def _send(self, note: Event) -> list[Answer]:
        """EVENT to every relay; the answers when at least one accepted, else the error."""
        timeout = settings.NOSTR_RELAY_TIMEOUT_SECONDS
        answers = [
            publish_to(url, note.as_json(), timeout=timeout) for url in self.relays
        ]
        if any(a.accepted for a in answers):
            return answers
        raise self._failure(answers)

    def _find(self, note: Event) -> list[Answer]:
        """The relays that hold the note (checked: id and signature), as accepted answers."""
        holders, asked = [], 0
        for url in self.relays:
            try:
                with Relay(url, timeout=settings.NOSTR_RELAY_TIMEOUT_SECONDS) as relay:
                    found = relay.fetch(note.id)
                asked += 1
            except (*Broken, RelayRefused, ValidationFailed):
                continue
            if found is not None and is_valid(found):
                holders.append(Answer(url, True, sent=True))
        if not holders and not asked:
            raise PlatformUnavailable(
                "No Nostr relay could be asked whether the note was stored.",
                **self._fields([]),
                rule=rules.RELAY_UNREACHABLE.id,
                remediation=rules.RELAY_UNREACHABLE.remediation,
            )
        return holders

    def _fields(self, answers: list[Answer]) -> dict[str, Any]:
        response = {
            "relays": [
                {"relay": a.relay, "accepted": a.accepted, "message": a.message}
                for a in answers
            ]
        }
        return {
            "platform": self.slug,
            "platform_version": pinned_label(self.slug),
            "platform_response": response,
        }

    def _failure(self, answers: list[Answer]) -> LetmepostError:
        """No relay accepted: the catalog error that says what to do next."""
        fields = self._fields(answers)
        said = "; ".join(f"{a.relay}: {a.message or 'no answer'}" for a in answers)
        if any(a.sent and a.accepted is None for a in answers):
            spec = rules.RELAY_UNANSWERED
            return PublishOutcomeUnknown(
                f"A Nostr relay took the note but did not confirm it ({said}).",
                **fields,
                rule=spec.id,
                remediation=spec.remediation,
            )
        if any(not a.sent and not a.unsafe for a in answers):
            spec = rules.RELAY_UNREACHABLE
            return PlatformUnavailable(
                f"No Nostr relay accepted the note ({said}); nothing was published.",
                **fields,
                rule=spec.id,
                remediation=spec.remediation,
            )
        if any(a.prefix == "rate-limited" for a in answers):
            spec = rules.RELAY_RATE_LIMITED
            return PlatformRateLimited(
                f"Nostr relays rate-limited the note ({said}).",
                retry_after=RATE_LIMIT_WAIT,
                **fields,
                rule=spec.id,
                remediation=spec.remediation,
            )
        spec = (
            rules.RELAYS_PRIVATE
            if all(a.unsafe for a in answers)
            else rules.RELAY_REJECTED
        )
        return PlatformRejected(
            f"No Nostr relay accepted the note ({said}).",
            **fields,
            rule=spec.id,
            remediation=spec.remediation,
        )
