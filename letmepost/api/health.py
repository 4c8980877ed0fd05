"""`/health` (liveness, constant) and `/health/ready` (database, cache, broker, storage)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from letmepost.errors import InternalError

logger = logging.getLogger("letmepost.health")


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_cache() -> str:
    cache.set("health:probe", "1", timeout=10)
    if cache.get("health:probe") != "1":
        raise RuntimeError("cache did not return what was written")
    return "ok"


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "embedded"
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)
    return "ok"


def check_storage() -> str:
    default_storage.exists("health-probe")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}

_Status = inline_serializer("HealthStatus", fields={"status": serializers.CharField()})
_Ready = inline_serializer(
    "ReadyStatus",
    fields={
        "status": serializers.CharField(),
        "checks": serializers.DictField(child=serializers.CharField()),
    },
)


@extend_schema(tags=["health"])
class HealthApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(operation_id="health", responses={200: _Status}, auth=[])
    def get(self, request: Request) -> Response:
        """Liveness probe.

        Answers 200 while the process serves requests; checks nothing else. No credentials.
        """
        return Response({"status": "ok"})


@extend_schema(tags=["health"])
class ReadyApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(operation_id="ready", responses={200: _Ready}, auth=[])
    def get(self, request: Request) -> Response:
        """Readiness probe.

        Checks the database, cache, task broker and media storage: 200 when all answer, else 503
        `internal_error` naming the part that is down (rule `health.<part>`). No credentials.
        """
        results: dict[str, str] = {}
        failed: list[str] = []
        for name, check in CHECKS.items():
            try:
                results[name] = check()
            except Exception as exc:
                logger.warning("readiness check %s failed: %s", name, exc)
                results[name] = f"down: {type(exc).__name__}"
                failed.append(name)
        if failed:
            raise InternalError(
                f"Not ready: {', '.join(failed)} unavailable.",
                status=503,
                rule=f"health.{failed[0]}",
                platform_response={"checks": results},
                remediation="Check the service named in `rule`; `platformResponse.checks` shows each.",
            )
        return Response({"status": "ok", "checks": results})
