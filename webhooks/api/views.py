"""`/v1/webhook-endpoints`: CRUD, rotate-secret, test, the delivery log and replay (D11).

Key and session auth alike. Endpoints are workspace-wide, so profile-scoped keys are refused
(they would receive other profiles' events); another workspace's ids answer not_found.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.serializers import DeletedOut
from letmepost.api import pagination
from letmepost.api.auth import require_admin
from letmepost.api.parsers import JSONParser
from letmepost.api.views import ApiView
from letmepost.errors import ValidationFailed
from webhooks import selectors, services
from webhooks.api.serializers import (
    DeliveryOut,
    EndpointIn,
    EndpointOut,
    EndpointPatchIn,
    EndpointWithSecretOut,
    TestIn,
    TestOut,
)
from webhooks.models import WebhookDelivery, WebhookEndpoint

TAGS = ["webhooks"]
ENDPOINT_ID = OpenApiParameter("endpoint_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
EVENT_ID = OpenApiParameter("event_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class WebhookApi(ApiView):
    def endpoint(
        self, endpoint_id: str, *, admin_to: str | None = None
    ) -> WebhookEndpoint:
        """The endpoint in the caller's workspace and mode (else not found); with `admin_to`,
        what the caller is about to do, which only owners and admins may."""
        self.require_unscoped("use webhook endpoints")
        endpoint = selectors.get_endpoint_for_workspace(
            self.principal.workspace, endpoint_id, livemode=self.principal.livemode
        )
        if admin_to:
            require_admin(self.principal, admin_to)
        return endpoint


@extend_schema(tags=TAGS)
class EndpointListApi(WebhookApi):
    @extend_schema(
        operation_id="listWebhookEndpoints",
        responses={
            200: inline_serializer(
                "WebhookEndpointList", fields={"data": EndpointOut(many=True)}
            )
        },
    )
    def get(self, request: Request) -> Response:
        """List webhook endpoints.

        The workspace's webhook endpoints of the caller's mode, without their signing secrets.
        """
        self.require_unscoped("use webhook endpoints")
        endpoints = selectors.list_endpoints(
            self.principal.workspace, livemode=self.principal.livemode
        )
        return Response({"data": EndpointOut(endpoints, many=True).data})

    @extend_schema(
        operation_id="createWebhookEndpoint",
        request=EndpointIn,
        responses={201: EndpointWithSecretOut},
    )
    def post(self, request: Request) -> Response:
        """Create a webhook endpoint.

        Registers a URL to receive signed events: every type, or those listed in `events`. The
        answer holds the signing secret (`whsec_…`) once; check each delivery's signature with it.
        The URL must be publicly reachable (and https in production).
        """
        self.require_unscoped("use webhook endpoints")
        require_admin(self.principal, "create webhook endpoints")
        data = self.validated(EndpointIn)
        endpoint, _ = services.create_endpoint(
            workspace=self.principal.workspace,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            active=data["active"],
            livemode=self.principal.livemode,
        )
        return Response(EndpointWithSecretOut(endpoint).data, status=201)


@extend_schema(tags=TAGS)
class EndpointDetailApi(WebhookApi):
    @extend_schema(
        operation_id="getWebhookEndpoint",
        parameters=[ENDPOINT_ID],
        responses={200: EndpointOut},
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        """Get a webhook endpoint.

        One endpoint, without its signing secret.
        """
        return Response(EndpointOut(self.endpoint(endpoint_id)).data)

    @extend_schema(
        operation_id="updateWebhookEndpoint",
        parameters=[ENDPOINT_ID],
        request=EndpointPatchIn,
        responses={200: EndpointOut},
    )
    def patch(self, request: Request, endpoint_id: str) -> Response:
        """Update a webhook endpoint.

        Changes its URL, event types or description, or pauses it (`active: false`).
        """
        endpoint = self.endpoint(endpoint_id, admin_to="change webhook endpoints")
        data = self.validated(EndpointPatchIn)
        endpoint = services.update_endpoint(endpoint=endpoint, **data)
        return Response(EndpointOut(endpoint).data)

    @extend_schema(
        operation_id="deleteWebhookEndpoint",
        parameters=[ENDPOINT_ID],
        responses={200: DeletedOut},
    )
    def delete(self, request: Request, endpoint_id: str) -> Response:
        """Delete a webhook endpoint.

        Deletes the endpoint; nothing more is delivered to it.
        """
        endpoint = self.endpoint(endpoint_id, admin_to="delete webhook endpoints")
        deleted_id = endpoint.pk
        services.delete_endpoint(endpoint=endpoint)
        return Response({"id": deleted_id, "deleted": True})


@extend_schema(tags=TAGS)
class RotateSecretApi(WebhookApi):
    @extend_schema(
        operation_id="rotateWebhookEndpointSecret",
        parameters=[ENDPOINT_ID],
        request=None,
        responses={200: EndpointWithSecretOut},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        """Rotate the signing secret.

        Replaces the endpoint's signing secret and answers the new one, once; deliveries from now on
        are signed with it.
        """
        endpoint = self.endpoint(endpoint_id, admin_to="rotate webhook secrets")
        services.rotate_secret(endpoint=endpoint)
        return Response(EndpointWithSecretOut(endpoint).data)


@extend_schema(tags=TAGS)
class TestApi(WebhookApi):
    """Sends in-request (up to the 10 s timeout), so never inside one long transaction.

    The body's `data` and the echoed `sentEvent` are the receiver's bytes: they are parsed and
    rendered verbatim, without the API's camelCase conversion.
    """

    idempotency_atomic = False
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="testWebhookEndpoint",
        parameters=[ENDPOINT_ID],
        request=TestIn,
        responses={200: TestOut},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        """Send a test event.

        Delivers one event of `type` (sample data unless `data` is given) to the endpoint now, and
        answers the receiver's status, body and timing (10 s timeout).
        """
        endpoint = self.endpoint(endpoint_id)
        data = self.validated(TestIn)
        sent = services.send_test(
            endpoint=endpoint,
            type=data["type"],
            livemode=self.principal.livemode,
            data=data.get("data", services.MISSING),
        )
        result = sent.result
        return Response(
            {
                "delivered": 200 <= result.status < 300,
                "status": result.status,
                "durationMs": result.duration_ms,
                "responseBody": result.response_body,
                "deliveryId": str(sent.attempt_id),
                "nonRetryable": result.non_retryable,
                "errorName": result.error_name,
                "sentEvent": sent.event.envelope,
            }
        )


@extend_schema(tags=TAGS)
class DeliveryListApi(WebhookApi):
    @extend_schema(
        operation_id="listWebhookDeliveries",
        parameters=[
            ENDPOINT_ID,
            OpenApiParameter(
                "status",
                {"type": "string", "enum": list(WebhookDelivery.Status.values)},
            ),
            *pagination.page_parameters(100),
        ],
        responses={
            200: pagination.page_schema("WebhookDeliveryList", DeliveryOut(many=True))
        },
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        """List an endpoint's deliveries.

        The endpoint's delivery log, newest first, each delivery with its attempts; filter with
        `status`, page with `cursor`.
        """
        endpoint = self.endpoint(endpoint_id)
        params = request.query_params
        status = params.get("status")
        if status is not None and status not in WebhookDelivery.Status.values:
            raise ValidationFailed(
                f"Unknown delivery status {status!r}.",
                rule="status",
                remediation="Use one of: " + ", ".join(WebhookDelivery.Status.values),
            )
        try:
            limit = int(params.get("limit", 20))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100:
            raise ValidationFailed(
                "limit must be an integer from 1 to 100.",
                rule="limit",
                remediation="Send a limit from 1 to 100.",
            )
        page, next_cursor = pagination.page_after(
            selectors.list_deliveries(endpoint, status=status),
            params.get("cursor"),
            limit,
        )
        return Response(
            {"data": DeliveryOut(page, many=True).data, "nextCursor": next_cursor}
        )


@extend_schema(tags=TAGS)
class ReplayApi(WebhookApi):
    @extend_schema(
        operation_id="replayWebhookEvent",
        parameters=[ENDPOINT_ID, EVENT_ID],
        request=None,
        responses={202: DeliveryOut},
    )
    def post(self, request: Request, endpoint_id: str, event_id: str) -> Response:
        """Replay an event.

        Queues a new delivery of a past event, with the same id and body, to this endpoint, which
        must be active.
        """
        endpoint = self.endpoint(endpoint_id)
        event = selectors.get_event_for_workspace(
            self.principal.workspace, event_id, livemode=self.principal.livemode
        )
        delivery = services.replay_event(endpoint=endpoint, event=event)
        return Response(DeliveryOut(delivery).data, status=202)
