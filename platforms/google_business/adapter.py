"""Google Business Profile: connect a Google account's locations, publish local posts.

Connecting: Google OAuth (offline access, scope business.manage), then `accounts.list` and, for
each account, `accounts.locations.list`: every location becomes its own account (external id
`accounts/{a}/locations/{l}`, the v4 parent of its posts). One location is connected at once;
several are offered to choose from (`choose_at_connect`, platforms.selection): the dashboard
shows a picker, the API answers a `selectionId`. None at all is refused
(`google_business.locations.none`).
Access tokens last an hour and are refreshed with the refresh token (RFC 6749 §6).

Publishing: one `localPosts.create` (the one write) with the summary, topicType
STANDARD/EVENT/OFFER, the call-to-action button, the event schedule, the offer fields and one
photo that Google fetches from its `sourceUrl` (our upload's public URL, or the caller's). A
post Google answers with state REJECTED (its content policy check) is final:
`google_business.post.rejected`.

Exactly once: local posts take no idempotency key and no hidden field (every LocalPost field is
shown or is Google's). An unknown outcome is reconciled by listing the location's posts for one
with our exact summary and topic created since the first attempt; two such posts, or more posts
than one page holds, cannot be told apart, so the outcome then stays unknown
(ReconcileUnsupported) rather than risk a duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime

from letmepost.errors import PlatformAuthFailed, PlatformRejected
from platforms.base import ConnectedAccount, Draft, PlatformAdapter, PublishResult
from platforms.comments import the_one
from platforms.google_business import PLATFORM_INFO
from platforms.google_business import preflight as rules
from platforms.google_business.client import GoogleBusinessClient
from platforms.meta.media import public_media_url
from platforms.oauth import (
    OAuthConnect,
    TokenSet,
    google_provider,
    token_credentials,
)
from platforms.reauth import answer, flag_if_revoked
from platforms.versions import pinned_label

SCOPES = ("https://www.googleapis.com/auth/business.manage",)
CLOCK_SKEW = timedelta(minutes=5)  # Google's createTime against our first-attempt time


def _unauthorized(exc: PlatformAuthFailed) -> bool:
    return (answer(exc).get("error") or {}).get("code") == 401


def _date(moment: datetime) -> dict[str, int]:
    return {"year": moment.year, "month": moment.month, "day": moment.day}


def _time(moment: datetime) -> dict[str, int]:
    return {"hours": moment.hour, "minutes": moment.minute}


def schedule(options: Mapping[str, Any]) -> dict[str, Any]:
    """The event's TimeInterval ("it must contain all fields to be valid")."""
    start = rules.parse_moment(options["event_start"])
    end = rules.parse_moment(options["event_end"])
    assert start is not None and end is not None  # google_business.event.dates_order
    return {
        "startDate": _date(start),
        "startTime": _time(start),
        "endDate": _date(end),
        "endTime": _time(end),
    }


def local_post(draft: Draft, photo_url: str | None) -> dict[str, Any]:
    """The LocalPost body for `draft` (options as in platforms.google_business.preflight)."""
    options = draft.options
    topic = str(options.get("topic_type") or rules.DEFAULT_TOPIC)
    body: dict[str, Any] = {"topicType": topic}
    if draft.text.strip():
        body["summary"] = draft.text
    if options.get("language_code"):
        body["languageCode"] = str(options["language_code"])
    if cta := options.get("cta_type"):
        body["callToAction"] = {"actionType": str(cta)}
        if cta != "CALL":
            body["callToAction"]["url"] = str(options["cta_url"])
    if topic in rules.SCHEDULED_TOPICS:
        body["event"] = {
            "title": str(options["event_title"]),
            "schedule": schedule(options),
        }
    if topic == "OFFER":
        offer = {
            wire: str(options[key])
            for key, wire in (
                ("coupon_code", "couponCode"),
                ("redeem_online_url", "redeemOnlineUrl"),
                ("terms_conditions", "termsConditions"),
            )
            if options.get(key)
        }
        if offer:
            body["offer"] = offer
    if photo_url:
        body["media"] = [{"mediaFormat": "PHOTO", "sourceUrl": photo_url}]
    return body


def result_for(post: Mapping[str, Any]) -> PublishResult:
    """A LocalPost as the engine stores it: `cid` its resource name, `uri` its search link."""
    return PublishResult(uri=post.get("searchUrl") or None, cid=str(post["name"]))


class GoogleBusinessAdapter(OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    oauth_provider = google_provider(SCOPES)
    choose_at_connect = True  # a Google account may manage hundreds of locations

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> list[ConnectedAccount]:
        version = pinned_label(cls.slug)
        client = GoogleBusinessClient(token.access_token, version=version)
        credentials = token_credentials(token)
        found = [
            ConnectedAccount(
                external_id=f"{account['name']}/{location['name']}",
                display_name=str(location.get("title") or location["name"]),
                credentials=credentials,
                metadata={
                    "kind": "location",
                    "accountName": str(account["name"]),
                    "accountTitle": str(account.get("accountName") or ""),
                    "locationName": str(location["name"]),
                },
            )
            for account in client.accounts()
            for location in client.locations(str(account["name"]))
        ]
        if not found:
            raise PlatformRejected(
                "This Google account manages no Business Profile location.",
                status=400,
                platform=cls.slug,
                platform_version=version,
                rule=rules.LOCATIONS_NONE.id,
                remediation=rules.LOCATIONS_NONE.remediation,
            )
        return found

    # --- publishing -------------------------------------------------------------------------

    def _client(self) -> GoogleBusinessClient:
        return GoogleBusinessClient(
            str(self.account.credentials.get("accessToken") or ""),
            version=self.platform_version,
        )

    def publish(self, draft: Draft) -> PublishResult:
        photo = None
        if draft.media:
            photo = public_media_url(
                draft.media[0],
                platform=self.slug,
                rule=rules.PHOTO_ONLY.id,
                index=0,
            )
        with flag_if_revoked(self.account, _unauthorized):
            client = self._client()
            post = client.create_local_post(
                self.account.external_id, local_post(draft, photo)
            )
        if post.get("state") == "REJECTED":
            # Created, then refused by Google's policy check: final, and visible to nobody.
            raise PlatformRejected(
                "Google Business Profile rejected the post under its content policies.",
                **client.fields(platform_response=post, rule=rules.POST_REJECTED.id),
                remediation=rules.POST_REJECTED.remediation,
            )
        return result_for(post)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Our post among the location's posts since the first attempt, None if absent."""
        page = self._client().local_posts(self.account.external_id)
        since = draft.history.first_attempt_at()
        topic = str(draft.options.get("topic_type") or rules.DEFAULT_TOPIC)
        summary = draft.text if draft.text.strip() else None

        def ours(post: Mapping[str, Any]) -> bool:
            created = parse_datetime(str(post.get("createTime") or ""))
            recent = since is None or created is None or created >= since - CLOCK_SKEW
            return (
                recent
                and post.get("summary") == summary
                and post.get("topicType") == topic
                and post.get("state") != "REJECTED"
            )

        matches = [p for p in page.get("localPosts") or [] if ours(p)]
        found = the_one(matches, complete=not page.get("nextPageToken"), slug=self.slug)
        return result_for(found) if found is not None else None
