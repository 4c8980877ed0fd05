"""Bluesky (AT Protocol): connect with an app password, publish `app.bsky.feed.post` records.

Exactly once: every post is created with a record key derived from the target id
(`record_key()`, a valid TID). The PDS refuses a second record at the same key, so a repeated
createRecord (a retry, a worker that died mid-publish, a late-landing first attempt) can never make
a second post; `reconcile()` reads that key back with com.atproto.repo.getRecord. Thread items and
first comments (`publish_reply`, called by the engine) are posts with `reply: {root, parent}` refs,
each at the key of its own token (`<target id>.<n>`).

Sessions: the app password is kept (encrypted) in `credentials` beside the session JWTs. An access
JWT near expiry is refreshed under a row lock (refreshSession, else a fresh createSession with the
app password); when both are refused the account is flagged `needs_reauth` and `token.revoked` is
emitted. Lexicons: tests/fixtures/platform-apis/bluesky/lexicons (app.bsky.feed.post, embed.*,
richtext.facet, video.*).
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRejected,
    PlatformUnavailable,
    PreflightFailed,
    PublishOutcomeUnknown,
    ValidationFailed,
)
from platforms.attachments import read_attachment
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
from platforms.bluesky import PLATFORM_INFO
from platforms.bluesky.client import (
    PLATFORM,
    POST_COLLECTION,
    ServerError,
    Session,
    SessionExpired,
    Xrpc,
    jwt_expiry,
)
from platforms.bluesky.facets import build_facets
from platforms.http import require_https
from platforms.models import PlatformAccount
from platforms.versions import pinned_label

T = TypeVar("T")

# atproto identifier syntax (https://atproto.com/specs/handle, /specs/did)
HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
DID = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable
FALLBACK_EPOCH_MS = 1_704_067_200_000  # 2024-01-01, for tokens that are not UUIDv7
REFRESH_MARGIN = timedelta(minutes=5)
MAX_IMAGES = 4
MAX_IMAGE_BYTES = (
    2_000_000  # app.bsky.embed.images#image maxSize (older PDSes: 1,000,000)
)
MAX_VIDEO_BYTES = 300_000_000  # app.bsky.embed.video maxSize
SERVICE_TOKEN_SECONDS = 30 * 60
# Options of a thread's first post that its items do not repeat (reply refs come from the engine).
FIRST_POST_ONLY = frozenset({"quote_uri", "quote_cid", "quoteUri", "quoteCid"})
VIDEO_UPLOAD_TIMEOUT = 300  # seconds; uploads of large files are slow


def record_key(token: str) -> str:
    """A TID-shaped record key derived from the target id: the same target, the same key.

    A TID is 13 base32-sortable characters for 53 bits of microseconds and 10 bits of clock id.
    The milliseconds come from the UUIDv7 target id (so keys sort like the posts were created),
    plus n for a thread item's token `<target id>.<n>`, so a thread's records sort in its order;
    the sub-millisecond and clock-id bits come from a hash of the whole token, so two targets of
    the same millisecond get different keys.
    """
    base, _, item = token.partition(".")
    digest = hashlib.sha256(f"{token}|".encode()).digest()
    try:
        parsed = uuid.UUID(base)
        millis = parsed.int >> 80 if parsed.version == 7 else None
    except ValueError:
        millis = None
    if millis is None:
        millis = FALLBACK_EPOCH_MS + int.from_bytes(digest[:6], "big") % (
            365 * 86_400_000
        )
    millis += int(item) if item.isdigit() else 0
    micros = millis * 1000 + int.from_bytes(digest[6:8], "big") % 1000
    clock_id = int.from_bytes(digest[8:10], "big") % 1024
    value = (micros << 10) | clock_id
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def strong_ref(
    options: dict[str, Any], uri_name: str, cid_name: str
) -> dict[str, str] | None:
    uri, cid = option(options, uri_name), option(options, cid_name)
    if not uri and not cid:
        return None
    if not (
        isinstance(uri, str)
        and uri.startswith("at://")
        and isinstance(cid, str)
        and cid
    ):
        wire = "".join(p.title() if i else p for i, p in enumerate(uri_name.split("_")))
        raise ValidationFailed(
            f"options.{wire} needs an at:// URI and its CID together.",
            rule=f"options.{wire}",
            remediation="Send both the post's uri and cid (from the post you reply to or quote).",
        )
    return {"uri": uri, "cid": cid}


def did_web(url: str) -> str:
    """`did:web` of a host (a port is percent-encoded, as the did:web method requires)."""
    return "did:web:" + urlsplit(url).netloc.replace(":", "%3A")


def expiring(credentials: dict[str, Any], margin: timedelta = REFRESH_MARGIN) -> bool:
    expires = jwt_expiry(str(credentials.get("accessJwt", "")))
    return expires is None or expires - margin <= timezone.now()


class BlueskyAdapter(PlatformAdapter):
    platform = PLATFORM_INFO
    thread_style = "replies"
    connect_kind = "credentials"
    credential_fields = (
        CredentialField(
            "identifier", "Handle, DID or email", placeholder="alice.bsky.social"
        ),
        CredentialField(
            "appPassword",
            "App password",
            type="password",
            placeholder="xxxx-xxxx-xxxx-xxxx",
        ),
        CredentialField(
            "pdsUrl",
            "PDS URL (leave empty for bsky.social)",
            type="url",
            required=False,
            placeholder="https://bsky.social",
        ),
    )

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        identifier = cls._identifier(option(payload, "identifier"))
        password = option(payload, "app_password")
        if not isinstance(password, str) or not password.strip():
            raise ValidationFailed(
                "appPassword is required.",
                rule="appPassword",
                remediation="Create an app password in Bluesky (Settings → Privacy and security → App passwords).",
            )
        password = password.strip()
        if not any(c.islower() for c in password) and len(password) < 12:
            raise ValidationFailed(
                "That doesn't look like an app password (they look like abcd-efgh-ijkl-mnop).",
                rule="appPassword",
                remediation="Create an app password in Bluesky and paste it here.",
            )
        pds_url = cls._pds_url(option(payload, "pds_url"))
        version = pinned_label(cls.slug)
        client = Xrpc(pds_url, version=version)
        try:
            body = client.procedure(
                "com.atproto.server.createSession",
                {"identifier": identifier, "password": password},
                auth=False,
            )
        except PlatformAuthFailed as exc:
            raise PlatformAuthFailed(
                "Bluesky refused this identifier and app password.",
                **{k: v for k, v in exc.fields.items() if k != "remediation"},
                remediation="Check the handle and paste a current app password.",
            ) from exc
        session = Session.from_response(body)
        return ConnectedAccount(
            external_id=session.did,
            display_name=session.handle or session.did,
            credentials={
                "appPassword": password,
                "accessJwt": session.access_jwt,
                "refreshJwt": session.refresh_jwt,
            },
            metadata={
                "did": session.did,
                "handle": session.handle,
                "pdsUrl": session.pds_url or pds_url,
                "serviceUrl": pds_url,
            },
            token_expires_at=session.expires_at,
        )

    @staticmethod
    def _identifier(value: Any) -> str:
        raw = value.strip() if isinstance(value, str) else ""
        if raw.startswith("@"):
            raw = raw[1:]
        if raw.startswith("did:"):
            ok = bool(DID.match(raw)) and len(raw) <= 2048
        elif "@" in raw:
            ok = bool(EMAIL.match(raw))
        else:
            raw = raw.lower()
            ok = bool(HANDLE.match(raw)) and len(raw) <= 253
        if not ok:
            raise ValidationFailed(
                f"{value!r} is not a Bluesky handle, DID or email address."
                if raw
                else "identifier is required.",
                rule="identifier",
                remediation="Use your handle (alice.bsky.social), your DID (did:plc:…) or your account email.",
            )
        return raw

    @staticmethod
    def _pds_url(value: Any) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            return str(settings.BLUESKY_DEFAULT_PDS_URL)
        parts = urlsplit(str(value).strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationFailed(
                f"pdsUrl {value!r} is not an http(s) URL.",
                rule="pdsUrl",
                remediation="Use the address of your PDS, e.g. https://bsky.social, or leave it empty.",
            )
        require_https(
            parts.scheme,
            "pdsUrl",
            "the app password",
            "Use the https:// address of your PDS, or leave it empty.",
        )
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"

    # --- sessions ---------------------------------------------------------------------------

    def _pds(self, *, force_refresh: bool = False) -> Xrpc:
        credentials = self._credentials(force=force_refresh)
        return Xrpc(
            self.account.metadata["pdsUrl"],
            token=credentials["accessJwt"],
            version=self.platform_version,
        )

    def _credentials(self, *, force: bool = False) -> dict[str, Any]:
        """Fresh session credentials; refreshed under the account's row lock when needed."""
        seen = self.account.credentials
        if not force and not expiring(seen):
            return seen
        failure: PlatformAuthFailed | None = None
        with transaction.atomic():
            row = PlatformAccount.objects.select_for_update().get(pk=self.account.pk)
            fresh = row.credentials
            someone_refreshed = fresh.get("accessJwt") != seen.get("accessJwt")
            if (force and someone_refreshed) or (not force and not expiring(fresh)):
                # Another worker refreshed the session while we waited for the lock.
                self._adopt(row)
                return row.credentials
            try:
                session = self._renew(row)
            except PlatformAuthFailed as exc:
                failure = exc
            except PlatformUnavailable:
                if force or expiring(row.credentials, margin=timedelta(0)):
                    raise
                # The PDS is briefly unreachable but the token still works: use it, say so once.
                from platforms.services import notify_token_expiring

                notify_token_expiring(
                    account=row, expires_at=jwt_expiry(row.credentials["accessJwt"])
                )
                self._adopt(row)
                return row.credentials
            else:
                row.credentials = {
                    **row.credentials,
                    "accessJwt": session.access_jwt,
                    "refreshJwt": session.refresh_jwt,
                }
                row.token_expires_at = session.expires_at
                row.metadata = {
                    **row.metadata,
                    "handle": session.handle or row.metadata.get("handle", ""),
                    "pdsUrl": session.pds_url or row.metadata["pdsUrl"],
                }
                row.save(
                    update_fields=[
                        "credentials",
                        "token_expires_at",
                        "metadata",
                        "updated_at",
                    ]
                )
                self._adopt(row)
                return row.credentials
        # Outside the transaction, so the flag is not rolled back with it.
        from platforms.services import mark_needs_reauth

        mark_needs_reauth(
            account=self.account, reason="app_password_deleted", message=failure.message
        )
        raise failure

    def _renew(self, row: PlatformAccount) -> Session:
        """refreshSession; if the refresh JWT is refused, log in again with the app password."""
        pds = Xrpc(row.metadata["pdsUrl"], version=self.platform_version)
        try:
            body = pds.procedure(
                "com.atproto.server.refreshSession",
                token=row.credentials.get("refreshJwt"),
            )
        except PlatformAuthFailed:
            body = pds.procedure(
                "com.atproto.server.createSession",
                {
                    "identifier": row.metadata.get("did") or row.external_id,
                    "password": row.credentials.get("appPassword", ""),
                },
                auth=False,
            )
        return Session.from_response(body)

    def _adopt(self, row: PlatformAccount) -> None:
        self.account.credentials = row.credentials
        self.account.metadata = row.metadata
        self.account.token_expires_at = row.token_expires_at

    def _authed(self, call: Callable[[Xrpc], T]) -> T:
        """Run `call` with a session; on an expired token refresh once and run it again.

        Running it again is safe: blobs are content-addressed and records use fixed keys.
        """
        try:
            return call(self._pds())
        except SessionExpired:
            return call(self._pds(force_refresh=True))

    # --- publishing -------------------------------------------------------------------------

    @property
    def did(self) -> str:
        return str(self.account.metadata.get("did") or self.account.external_id)

    def publish(self, draft: Draft) -> PublishResult:
        return self._authed(lambda pds: self._publish(pds, draft))

    def reconcile(self, draft: Draft) -> PublishResult | None:
        return self._authed(lambda pds: self._reconcile(pds, draft))

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """A post whose `reply` refs name the thread's first post (root) and the one it answers
        (parent), at the item's own record key. The post's quote is the post's alone."""
        options = {k: v for k, v in draft.options.items() if k not in FIRST_POST_ONLY}
        item = replace(draft, options=options)
        return self._authed(lambda pds: self._publish(pds, item, reply_to))

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        return self.reconcile(draft)  # the item's record key says it all

    def _publish(
        self, pds: Xrpc, draft: Draft, reply_to: ReplyTo | None = None
    ) -> PublishResult:
        record, warnings = self._post_record(pds, draft, reply_to)
        uri, cid = self._create(pds, record_key(draft.idempotency_token), record)
        return PublishResult(uri=uri, cid=cid, warnings=tuple(warnings))

    def _reconcile(self, pds: Xrpc, draft: Draft) -> PublishResult | None:
        found = self._get(pds, record_key(draft.idempotency_token))
        if found is None:
            return None  # the post certainly does not exist: publishing again is safe
        return PublishResult(uri=str(found["uri"]), cid=str(found["cid"]))

    def _post_record(
        self, pds: Xrpc, draft: Draft, reply_to: ReplyTo | None = None
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        options = draft.options or {}
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": draft.text,
            "createdAt": now_iso(),
        }
        facets, unresolved = build_facets(draft.text, lambda h: self._resolve(pds, h))
        if facets:
            record["facets"] = facets
        warnings = [
            {
                "code": "mention_unresolved",
                "message": f"@{handle} could not be resolved to an account; it was posted as plain text.",
            }
            for handle in unresolved
        ]
        if langs := option(options, "langs"):
            record["langs"] = [langs] if isinstance(langs, str) else list(langs)[:3]
        if (
            reply_to is not None
        ):  # a thread item: the engine's chain wins over the options
            record["reply"] = {
                "root": _ref(reply_to.root),
                "parent": _ref(reply_to.parent),
            }
        elif parent := strong_ref(options, "reply_to_uri", "reply_to_cid"):
            root = strong_ref(options, "reply_root_uri", "reply_root_cid") or parent
            record["reply"] = {"root": root, "parent": parent}
        elif option(options, "reply_root_uri"):
            raise ValidationFailed(
                "options.replyRootUri needs options.replyToUri and replyToCid (the parent).",
                rule="options.replyToUri",
            )
        if embed := self._embed(pds, draft, options):
            record["embed"] = embed
        return record, warnings

    def _resolve(self, pds: Xrpc, handle: str) -> str | None:
        try:
            body = pds.query(
                "com.atproto.identity.resolveHandle", {"handle": handle}, auth=False
            )
        except PlatformRejected:
            return None  # unknown handle: stays plain text, as in the official app
        did = body.get("did") if isinstance(body, dict) else None
        return did if isinstance(did, str) else None

    def _embed(
        self, pds: Xrpc, draft: Draft, options: dict[str, Any]
    ) -> dict[str, Any] | None:
        images = [m for m in draft.media if m.kind == "image"]
        videos = [m for m in draft.media if m.kind == "video"]
        if images and videos:
            raise self._preflight(
                "bluesky.media.image_video_exclusive",
                "A Bluesky post carries images or one video, not both.",
            )
        if len(images) > MAX_IMAGES or len(videos) > 1:
            raise self._preflight(
                "bluesky.media.count_max",
                f"A Bluesky post carries up to {MAX_IMAGES} images or one video.",
            )
        media: dict[str, Any] | None = None
        if images:
            media = {
                "$type": "app.bsky.embed.images",
                "images": [self._image(pds, item, i) for i, item in enumerate(images)],
            }
        elif videos:
            media = self._video(pds, videos[0], draft)
        quote = strong_ref(options, "quote_uri", "quote_cid")
        if quote and media:
            return {
                "$type": "app.bsky.embed.recordWithMedia",
                "record": {"$type": "app.bsky.embed.record", "record": quote},
                "media": media,
            }
        if quote:
            return {"$type": "app.bsky.embed.record", "record": quote}
        return media

    def _preflight(self, rule: str, message: str) -> PreflightFailed:
        return PreflightFailed(
            message,
            rule=rule,
            platform=PLATFORM,
            platform_version=self.platform_version,
        )

    def _image(self, pds: Xrpc, item: MediaItem, index: int) -> dict[str, Any]:
        file = read_attachment(
            item, platform=PLATFORM, max_bytes=MAX_IMAGE_BYTES, index=index
        )
        body = pds.procedure(
            "com.atproto.repo.uploadBlob",
            data=file.data,
            content_type=file.content_type,
        )
        image: dict[str, Any] = {"image": body["blob"], "alt": item.alt_text or ""}
        if item.width and item.height:
            image["aspectRatio"] = {"width": item.width, "height": item.height}
        return image

    def _video(self, pds: Xrpc, item: MediaItem, draft: Draft) -> dict[str, Any]:
        file = read_attachment(item, platform=PLATFORM, max_bytes=MAX_VIDEO_BYTES)
        blob = self._upload_video(
            pds, file.data, name=f"{record_key(draft.idempotency_token)}.mp4"
        )
        embed: dict[str, Any] = {"$type": "app.bsky.embed.video", "video": blob}
        if item.alt_text:
            embed["alt"] = item.alt_text
        if item.width and item.height:
            embed["aspectRatio"] = {"width": item.width, "height": item.height}
        return embed

    def _upload_video(self, pds: Xrpc, data: bytes, *, name: str) -> dict[str, Any]:
        """The documented video flow: service auth from the PDS, upload to the video service,
        poll the job until it hands back the blob (https://docs.bsky.app/docs/tutorials/video)."""
        video = Xrpc(settings.BLUESKY_VIDEO_SERVICE_URL, version=self.platform_version)
        expires = int(time.time()) + SERVICE_TOKEN_SECONDS
        self._check_video_quota(pds, video, expires)
        token = pds.query(
            "com.atproto.server.getServiceAuth",
            {
                "aud": did_web(pds.base_url),
                "lxm": "com.atproto.repo.uploadBlob",
                "exp": expires,
            },
        )["token"]
        try:
            body = video.procedure(
                "app.bsky.video.uploadVideo",
                data=data,
                content_type="video/mp4",
                params={"did": self.did, "name": name},
                token=token,
                timeout=VIDEO_UPLOAD_TIMEOUT,
            )
        except PlatformRejected as exc:
            response = exc.fields.get("platform_response")
            if isinstance(response, dict) and response.get("jobId"):
                body = {
                    "jobStatus": response
                }  # 409: this video is already being processed
            else:
                raise PlatformRejected(
                    exc.message, **{**exc.fields, "rule": "bluesky.video.upload_failed"}
                ) from exc
        job = body.get("jobStatus") if isinstance(body, dict) else None
        if not isinstance(job, dict) or not job.get("jobId"):
            raise PlatformRejected(
                "app.bsky.video.uploadVideo returned no job.",
                **video.fields(
                    platform_response=body, rule="bluesky.video.upload_failed"
                ),
            )
        return self._await_video(video, job)

    def _check_video_quota(self, pds: Xrpc, video: Xrpc, expires: int) -> None:
        """Refuse early when the daily allowance is used up; skipped if the check itself fails."""
        try:
            token = pds.query(
                "com.atproto.server.getServiceAuth",
                {
                    "aud": settings.BLUESKY_VIDEO_SERVICE_DID,
                    "lxm": "app.bsky.video.getUploadLimits",
                    "exp": expires,
                },
            )["token"]
            limits = video.query("app.bsky.video.getUploadLimits", token=token)
        except SessionExpired:
            raise
        except (PlatformUnavailable, PlatformRejected):
            return
        if isinstance(limits, dict) and limits.get("canUpload") is False:
            raise PreflightFailed(
                limits.get("message")
                or "The account's daily video allowance is used up.",
                rule="bluesky.video.quota_exhausted",
                platform=PLATFORM,
                platform_version=self.platform_version,
                platform_response=limits,
                remediation="Wait for the daily video allowance to reset or use another account.",
            )

    def _await_video(self, video: Xrpc, job: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + settings.BLUESKY_VIDEO_TIMEOUT_SECONDS
        while True:
            state = job.get("state")
            if job.get("blob"):
                return dict(job["blob"])
            if state == "JOB_STATE_FAILED":
                raise PlatformRejected(
                    f"Bluesky could not process the video: {job.get('error') or job.get('message') or 'failed'}.",
                    **video.fields(
                        platform_response=job, rule="bluesky.video.job_failed"
                    ),
                    remediation="Re-encode to H.264 + AAC MP4 with faststart and try again.",
                )
            if state == "JOB_STATE_COMPLETED":
                raise PlatformRejected(
                    "The video job completed without a blob.",
                    **video.fields(
                        platform_response=job,
                        rule="bluesky.video.completed_without_blob",
                    ),
                )
            if time.monotonic() >= deadline:
                raise PlatformUnavailable(
                    "Bluesky did not finish processing the video in time; nothing was posted.",
                    status=504,
                    **video.fields(
                        platform_response=job, rule="bluesky.video.transcode_timeout"
                    ),
                    remediation="Retry shortly (uploads are deduplicated) or shorten the clip.",
                )
            time.sleep(settings.PLATFORM_POLL_INTERVAL_SECONDS)
            try:
                body = video.query(
                    "app.bsky.video.getJobStatus", {"jobId": job["jobId"]}, auth=False
                )
            except PlatformRejected as exc:
                raise PlatformRejected(
                    exc.message,
                    **{**exc.fields, "rule": "bluesky.video.job_status_unavailable"},
                ) from exc
            status = body.get("jobStatus") if isinstance(body, dict) else None
            if not isinstance(status, dict):
                raise PlatformRejected(
                    "app.bsky.video.getJobStatus returned no job status.",
                    **video.fields(
                        platform_response=body,
                        rule="bluesky.video.job_status_unavailable",
                    ),
                )
            job = status

    def _create(self, pds: Xrpc, rkey: str, record: dict[str, Any]) -> tuple[str, str]:
        """createRecord at our fixed key; the only call here that can make a post."""
        try:
            body = pds.procedure(
                "com.atproto.repo.createRecord",
                {
                    "repo": self.did,
                    "collection": POST_COLLECTION,
                    "rkey": rkey,
                    "record": record,
                },
                write=True,
            )
            return str(body["uri"]), str(body["cid"])
        except (ServerError, PlatformRejected) as exc:
            # The PDS answers a second create at a taken key with an error (500 on the reference
            # PDS); a 5xx from a proxy may hide a write that landed. Either way, look.
            if isinstance(exc, PlatformRejected) and not _may_exist(exc):
                raise
            try:
                found = self._get(pds, rkey)
            except PlatformUnavailable as check:
                raise PublishOutcomeUnknown(
                    f"createRecord failed ({exc.message}) and the record could not be checked.",
                    **pds.fields(platform_response=exc.fields.get("platform_response")),
                ) from check
            if found is None:
                raise
            if found["value"].get("text") != record["text"]:
                raise PlatformRejected(
                    f"Record key {rkey} already holds a different post.",
                    **pds.fields(
                        platform_response=found, rule="bluesky.record_key.collision"
                    ),
                ) from exc
            return str(found["uri"]), str(found["cid"])

    def _get(self, pds: Xrpc, rkey: str) -> dict[str, Any] | None:
        """getRecord at our key: the record, or None when it certainly does not exist."""
        try:
            body = pds.query(
                "com.atproto.repo.getRecord",
                {"repo": self.did, "collection": POST_COLLECTION, "rkey": rkey},
            )
        except PlatformRejected as exc:
            response = exc.fields.get("platform_response")
            if isinstance(response, dict) and response.get("error") == "RecordNotFound":
                return None
            raise
        return body if isinstance(body, dict) and body.get("uri") else None


def _ref(post: PublishResult) -> dict[str, str]:
    """A com.atproto.repo.strongRef to a post this adapter published."""
    return {"uri": post.uri or "", "cid": post.cid or ""}


def _may_exist(exc: PlatformRejected) -> bool:
    """A 4xx that says the record key is taken (future PDS versions may answer so)."""
    response = exc.fields.get("platform_response")
    if not isinstance(response, dict):
        return False
    text = f"{response.get('error', '')} {response.get('message', '')}".lower()
    return "alreadyexists" in text.replace(" ", "") or "already exists" in text
