"""Publishing through containers, as Instagram and Threads do: create → poll → publish.

The container that gets published is remembered (platforms.meta.containers) as soon as it
exists, before it is polled or published. Any later attempt for the same post (a retry, or the
engine's reconcile after an unknown outcome) reads that container first: PUBLISHED means the
post landed, FINISHED or IN_PROGRESS means it can still be published, and only an ERROR or
EXPIRED container (or none) leads to creating new ones. So `/media_publish` or
`/threads_publish` is called at most once per container, and never for a second container while
the first may still land.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.utils import timezone

from letmepost.errors import LetmepostError, PlatformAuthFailed, PlatformRejected
from platforms.base import Draft, MediaItem, PublishResult
from platforms.meta import containers
from platforms.meta.client import GraphClient
from platforms.meta.errors import token_revoked
from platforms.meta.host import GraphHost
from platforms.meta.polling import ContainerStates, container_state, wait_ready
from platforms.models import PlatformAccount
from platforms.reauth import flag_if_revoked

RECENT_LIMIT = 25


class ContainerPublishing:
    """Mixin for an adapter whose posts are published containers. Subclasses fill the hooks."""

    account: PlatformAccount
    slug: ClassVar[str]
    graph_host: ClassVar[GraphHost]
    states: ClassVar[ContainerStates]
    create_edge: ClassVar[str]  # "media" | "threads"
    publish_edge: ClassVar[str]  # "media_publish" | "threads_publish"
    text_field: ClassVar[
        str
    ]  # what the published media calls our text: "caption" | "text"
    image_deadline_seconds: ClassVar[float] = 60
    video_deadline_seconds: ClassVar[float] = 360

    # --- hooks ------------------------------------------------------------------------------

    def create_containers(self, client: GraphClient, draft: Draft) -> str:
        """Create (and wait for) every child container; return the one to publish."""
        raise NotImplementedError

    def recent_edge(self, draft: Draft) -> str:
        """The edge listing the account's newest posts of this kind (Threads lists replies
        apart from posts)."""
        return self.create_edge

    # --- the flow ---------------------------------------------------------------------------

    def graph(self) -> GraphClient:
        return self.graph_host(self.account.credentials.get("accessToken"))

    def user_path(self) -> str:
        return str(self.account.metadata.get("userId") or self.account.external_id)

    def deadline(self, draft: Draft) -> float:
        if any(item.kind == "video" for item in draft.media):
            return self.video_deadline_seconds
        return self.image_deadline_seconds

    def create(self, client: GraphClient, params: dict[str, Any]) -> str:
        body = client.post(f"{self.user_path()}/{self.create_edge}", params)
        container = body.get("id")
        if not container:
            raise PlatformRejected(
                f"POST /{self.create_edge} answered without a container id; nothing was published.",
                **client.fields(platform_response=body),
            )
        return str(container)

    def create_carousel(
        self,
        client: GraphClient,
        draft: Draft,
        child: Callable[[MediaItem, int], dict[str, str]],
        params: dict[str, str],
    ) -> str:
        """Each item's child container, created and polled until FINISHED, then the CAROUSEL
        container that holds them (`params` adds the text)."""
        children = []
        for index, item in enumerate(draft.media):
            created = self.create(
                client, {**child(item, index), "is_carousel_item": "true"}
            )
            wait_ready(
                client,
                created,
                states=self.states,
                deadline_seconds=self.video_deadline_seconds
                if item.kind == "video"
                else self.image_deadline_seconds,
                label=f"media[{index}]",
            )
            children.append(created)
        return self.create(
            client, {"media_type": "CAROUSEL", "children": ",".join(children), **params}
        )

    def publish(self, draft: Draft) -> PublishResult:
        client = self.graph()
        with flag_if_revoked(self.account, token_revoked):
            entry = containers.recall(self.account, draft.idempotency_token)
            if entry and entry.get("container"):
                resumed = self._resume(client, draft, str(entry["container"]))
                if resumed is not None:
                    return resumed
            container = self.create_containers(client, draft)
            containers.remember(
                self.account,
                draft.idempotency_token,
                container=container,
                createdAt=timezone.now().isoformat(),
            )
            return self._publish_when_ready(client, draft, container)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Did the remembered container get published? None: it did not (or never existed)."""
        entry = containers.recall(self.account, draft.idempotency_token)
        if not entry or not entry.get("container"):
            return (
                None  # the publishing call is only ever made for a remembered container
            )
        client = self.graph()
        state, _ = container_state(client, str(entry["container"]), self.states)
        if state != "PUBLISHED":
            return None  # publish() picks the container up again if it is still usable
        return self._landed(client, draft)

    def _resume(
        self, client: GraphClient, draft: Draft, container: str
    ) -> PublishResult | None:
        try:
            state, _ = container_state(client, container, self.states)
        except PlatformAuthFailed:
            raise
        except PlatformRejected as exc:
            if (
                exc.retryable
            ):  # rate limited: ask again later rather than create another
                raise
            return None  # Graph no longer knows it: start over
        if state == "PUBLISHED":
            return self._landed(client, draft)
        if state in ("FINISHED", "IN_PROGRESS"):
            return self._publish_when_ready(client, draft, container)
        return None  # ERROR or EXPIRED: create new containers

    def _publish_when_ready(
        self, client: GraphClient, draft: Draft, container: str
    ) -> PublishResult:
        """Wait for the container to be FINISHED, then the one write that publishes."""
        wait_ready(
            client,
            container,
            states=self.states,
            deadline_seconds=self.deadline(draft),
            label="the post's container",
        )
        body = client.post(
            f"{self.user_path()}/{self.publish_edge}",
            {"creation_id": container},
            write=True,
        )
        media_id = str(body.get("id") or "")
        return PublishResult(
            uri=self._permalink(client, media_id), cid=media_id or None
        )

    def _permalink(self, client: GraphClient, media_id: str) -> str | None:
        if not media_id:
            return None
        try:
            body = client.get(media_id, {"fields": "id,permalink"})
        except LetmepostError:
            return None  # the post is up; its link is a nicety
        link = body.get("permalink")
        return str(link) if link else None

    def _landed(self, client: GraphClient, draft: Draft) -> PublishResult:
        """The container was published: find the media among the account's newest posts."""
        fields = f"id,{self.text_field},permalink,timestamp"
        body = client.get(
            f"{self.user_path()}/{self.recent_edge(draft)}",
            {"fields": fields, "limit": RECENT_LIMIT},
        )
        wanted = (draft.text or "").strip()
        for media in body.get("data") or []:
            if wanted and str(media.get(self.text_field) or "").strip() == wanted:
                return PublishResult(
                    uri=media.get("permalink") or None, cid=str(media.get("id"))
                )
        return self._unmatched()

    def _unmatched(self) -> PublishResult:
        """Published for certain, but which post it became is unknown."""
        return PublishResult(
            uri=None,
            warnings=(
                {
                    "code": "published_without_id",
                    "message": f"{self.slug} confirmed the post was published, but it "
                    "could not be matched among the account's newest posts.",
                },
            ),
        )
