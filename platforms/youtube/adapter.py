"""YouTube (Data API v3): connect a channel with Google OAuth, publish one video per post.

Connecting: Google's authorization code flow with PKCE and offline access
(`access_type=offline&prompt=consent`, so a refresh token comes back every time). The account is
the channel of `GET /youtube/v3/channels?part=snippet&mine=true`.

Publishing: a resumable upload. `POST /upload/youtube/v3/videos?uploadType=resumable` with the
Video JSON opens a session; the bytes are PUT to its URI in chunks with `Content-Range`. YouTube
answers `308 Resume Incomplete` (with `Range`) until the last byte, then the Video. After a
dropped connection or a 5xx, the session is asked where it stands (`Content-Range: bytes */N`)
and the upload resumes from there.

Exactly once: the session URI is stored before any byte is sent (platforms/youtube/sessions.py).
A session only becomes a video when its last byte arrives, so a retry that finds the session
incomplete resumes it, and one that finds it complete takes the video it made. When the session is
gone, `reconcile()` looks for our title among the channel's newest uploads, else it cannot tell.

Thread items and first comments are top-level comments under the video (`commentThreads.insert`,
which needs the `youtube.force-ssl` scope; platforms.comments), reconciled from the video's
newest comments by the channel with exactly our text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformUnavailable,
    PreflightFailed,
    PublishOutcomeUnknown,
)
from platforms.attachments import AttachmentStream, open_attachment
from platforms.base import (
    ConnectedAccount,
    Draft,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
    option,
)
from platforms.comments import CommentThreads, earlier, post_id, the_one
from platforms.oauth import (
    OAuthConnect,
    TokenSet,
    google_provider,
    token_credentials,
)
from platforms.reauth import answer, flag_if_revoked
from platforms.upstream import body_of, json_object, network_failure
from platforms.versions import pinned_label
from platforms.youtube import PLATFORM_INFO, sessions
from platforms.youtube.client import PLATFORM, YouTubeClient
from platforms.youtube.preflight import MAX_VIDEO_BYTES

SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.readonly",
    # commentThreads.insert (thread items, first comments) accepts no narrower scope.
    "https://www.googleapis.com/auth/youtube.force-ssl",
)
CHUNK = (
    8 * 1024 * 1024
)  # a multiple of 256 KiB, as Google requires for all but the last
MAX_RESUMES = 3
DEFAULT_CATEGORY = "22"  # People & Blogs
DEFAULT_PRIVACY = "public"
WATCH_URL = "https://www.youtube.com/watch?v={id}"
COMMENT_URL = "https://www.youtube.com/watch?v={video}&lc={id}"
RECENT_COMMENTS = 100


def video_json(draft: Draft) -> dict[str, Any]:
    """The Video resource for videos.insert: the text is the description."""
    options = draft.options
    snippet: dict[str, Any] = {
        "title": str(option(options, "title") or "").strip(),
        "description": draft.text,
        "categoryId": str(option(options, "category_id") or DEFAULT_CATEGORY),
    }
    if tags := option(options, "tags"):
        snippet["tags"] = [str(t) for t in tags]
    status: dict[str, Any] = {
        "privacyStatus": str(option(options, "privacy") or DEFAULT_PRIVACY),
        "selfDeclaredMadeForKids": bool(option(options, "made_for_kids")),
    }
    if publish_at := option(options, "publish_at"):
        status |= {"privacyStatus": "private", "publishAt": str(publish_at)}
    return {"snippet": snippet, "status": status}


def _unauthorized(exc: PlatformAuthFailed) -> bool:
    return (answer(exc).get("error") or {}).get("code") == 401


def result_for(video: Mapping[str, Any]) -> PublishResult:
    return PublishResult(uri=WATCH_URL.format(id=video["id"]), cid=str(video["id"]))


def comment_result(video_id: str, thread_id: str) -> PublishResult:
    return PublishResult(
        uri=COMMENT_URL.format(video=video_id, id=thread_id), cid=thread_id
    )


class YouTubeAdapter(OAuthConnect, CommentThreads):
    platform = PLATFORM_INFO
    oauth_provider = google_provider(SCOPES)
    # refresh_horizon: the default 15 minutes (access tokens last an hour).

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        client = YouTubeClient(token.access_token, version=pinned_label(cls.slug))
        channel = client.my_channel()
        if channel is None:
            raise PreflightFailed(
                "This Google account has no YouTube channel.",
                rule="youtube.channel.required",
                platform=PLATFORM,
                remediation="Create a channel at youtube.com, then connect again.",
            )
        snippet = channel.get("snippet") or {}
        return ConnectedAccount(
            external_id=str(channel["id"]),
            display_name=snippet.get("title") or str(channel["id"]),
            credentials=token_credentials(token),
            metadata={
                "channelId": str(channel["id"]),
                "channelTitle": snippet.get("title", ""),
                "customUrl": snippet.get("customUrl", ""),
            },
        )

    # --- publishing -------------------------------------------------------------------------

    def client(self) -> YouTubeClient:
        return YouTubeClient(
            str(self.account.credentials.get("accessToken", "")),
            version=self.platform_version,
        )

    def publish(self, draft: Draft) -> PublishResult:
        client = self.client()
        with flag_if_revoked(self.account, _unauthorized):
            return self._publish(client, draft)

    def _publish(self, client: YouTubeClient, draft: Draft) -> PublishResult:
        if len(draft.media) != 1 or draft.media[0].kind != "video":
            raise PreflightFailed(
                "A YouTube upload takes exactly one video.",
                rule="youtube.media.video_required",
                platform=PLATFORM,
            )
        with open_attachment(
            draft.media[0], platform=PLATFORM, max_bytes=MAX_VIDEO_BYTES
        ) as file:
            return self._upload_file(client, draft, file)

    def _upload_file(
        self, client: YouTubeClient, draft: Draft, file: AttachmentStream
    ) -> PublishResult:
        """Resume this target's session if YouTube still has it, else open one; upload."""
        total = file.size
        stored = sessions.recall(self.account, draft.idempotency_token)
        session = stored[0] if stored and stored[1] == total else None
        offset = 0
        if session is not None:  # an earlier attempt opened one: carry on with it
            state, value = self.where(client, session, total)
            if state == "done":
                return result_for(value)
            if state == "at":
                offset = value
            elif (
                state == "unreachable"
            ):  # it may have completed: never open a second one
                raise PlatformUnavailable(
                    "YouTube could not be asked about the earlier upload; retrying later.",
                    **client.fields(rule="youtube.upload.interrupted"),
                )
            else:
                session = None  # YouTube forgot it (expired): start over
        if session is None:
            session = client.start_upload(
                video_json(draft), size=total, content_type=file.content_type
            )
            sessions.remember(self.account, draft.idempotency_token, session, total)
        return result_for(self.upload(client, session, file, offset))

    def where(self, client: YouTubeClient, session: str, total: int) -> tuple[str, Any]:
        """Ask the session where it stands: ("done", video), ("at", offset), ("lost", None)
        when YouTube no longer knows it, or ("unreachable", None)."""
        try:
            response = client.put(session, b"", f"bytes */{total}")
        except requests.RequestException:
            return "unreachable", None
        if response.status_code in (200, 201):
            return "done", response.json()
        if response.status_code == 308:
            return "at", next_offset(response)
        return "lost", None

    def upload(
        self, client: YouTubeClient, session: str, file: AttachmentStream, offset: int
    ) -> dict[str, Any]:
        total = file.size
        resumes = 0
        while True:
            end = min(offset + CHUNK, total)
            failure: Any = None
            try:
                response = client.put(  # the chunk is read from the file as it is sent
                    session,
                    file.section(offset, end),
                    f"bytes {offset}-{end - 1}/{total}",
                )
            except requests.RequestException as exc:
                failure = network_failure(exc)
            else:
                if response.status_code in (200, 201):
                    return json_object(response.json())
                if response.status_code == 308:
                    offset, resumes = next_offset(response), 0
                    continue
                if response.status_code < 500:
                    raise client.error_for(response)
                failure = body_of(response)
            state: str = "unreachable"
            # What `where` found: the video, or the offset to resume at.
            value: Any = None
            while state == "unreachable" and resumes < MAX_RESUMES:
                resumes += 1
                state, value = self.where(client, session, total)
            if state == "done":
                return json_object(value)
            if state == "at":
                offset = value
                continue
            fields = client.fields(
                platform_response=failure, rule="youtube.upload.interrupted"
            )
            if end == total:  # the last byte may have arrived: the video may exist
                raise PublishOutcomeUnknown(
                    "The upload's last chunk got no answer from YouTube.", **fields
                )
            raise PlatformUnavailable(
                "The upload to YouTube was interrupted; the next attempt resumes it.",
                **fields,
            )

    def reconcile(self, draft: Draft) -> PublishResult | None:
        stored = sessions.recall(self.account, draft.idempotency_token)
        if stored is None:
            return None  # no session was ever opened: no byte was sent
        client = self.client()
        state, value = self.where(client, *stored)
        if state == "done":
            return result_for(value)
        if state == "at":
            return None  # incomplete: publishing again resumes it
        if state == "unreachable":
            raise PlatformUnavailable(
                "YouTube could not be asked about the upload; retrying later.",
                **client.fields(rule="youtube.upload.interrupted"),
            )
        return self.find_upload(client, draft)

    def find_upload(self, client: YouTubeClient, draft: Draft) -> PublishResult:
        """Our title among the channel's newest uploads, else ReconcileUnsupported."""
        title = video_json(draft)["snippet"]["title"]
        channel = client.my_channel(part="contentDetails") or {}
        uploads = (
            (channel.get("contentDetails") or {})
            .get("relatedPlaylists", {})
            .get("uploads")
        )
        for item in client.playlist_items(uploads) if uploads else []:
            snippet = item.get("snippet") or {}
            if snippet.get("title") == title:
                video_id = (snippet.get("resourceId") or {}).get("videoId")
                if video_id:
                    return result_for({"id": video_id})
        raise ReconcileUnsupported(self.slug)

    # --- comments: thread items and first comments --------------------------------------------

    @property
    def channel_id(self) -> str:
        return str(self.account.metadata.get("channelId") or self.account.external_id)

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """A top-level comment by the channel under the video."""
        video_id = post_id(reply_to, self.slug)
        client = self.client()
        with flag_if_revoked(self.account, _unauthorized):
            thread = client.insert_comment(self.channel_id, video_id, draft.text)
        return comment_result(video_id, str(thread["id"]))

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        """Our comment among the video's newest: the channel's, with exactly this text."""
        video_id = post_id(reply_to, self.slug)
        page = self.client().comment_threads(video_id, limit=RECENT_COMMENTS)
        known = earlier(reply_to)
        matches = []
        for thread in page.get("items") or []:
            top = ((thread.get("snippet") or {}).get("topLevelComment") or {}).get(
                "snippet"
            ) or {}
            author = (top.get("authorChannelId") or {}).get("value")
            if (
                author == self.channel_id
                and top.get("textOriginal") == draft.text
                and str(thread["id"]) not in known
            ):
                matches.append(str(thread["id"]))
        complete = not page.get("nextPageToken")
        found = the_one(matches, complete=complete, slug=self.slug)
        return comment_result(video_id, found) if found else None


def next_offset(response: requests.Response) -> int:
    """After a 308: the byte after the last one received (`Range: bytes=0-N`), else 0."""
    received = response.headers.get("Range", "")
    _, _, last = received.partition("-")
    return int(last) + 1 if last.strip().isdigit() else 0
