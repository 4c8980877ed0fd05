"""The real URLconf plus views that misbehave on purpose, for error and idempotency tests."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Profile
from letmepost.api.views import ApiView
from letmepost.errors import ValidationFailed
from letmepost.urls import urlpatterns as real_urlpatterns


class BoomApi(ApiView):
    def post(self, request: Request) -> Response:
        Profile.objects.create(
            workspace=self.principal.workspace, name="half-written", slug="half-written"
        )
        raise RuntimeError("secret internals: password=hunter2")

    get = post


class WriteThenRejectApi(ApiView):
    def post(self, request: Request) -> Response:
        Profile.objects.create(
            workspace=self.principal.workspace, name="rolled back", slug="rolled-back"
        )
        raise ValidationFailed("Rejected after writing.", rule="test.rejected")


urlpatterns = [
    path("v1/test/boom", BoomApi.as_view()),
    path("v1/test/reject", WriteThenRejectApi.as_view()),
    *real_urlpatterns,
]
