"""The landing page: where people arrive after signing in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import get_membership
from letmepost.api.auth import SESSION_WORKSPACE_KEY


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    membership = None
    if request.user.is_authenticated:
        membership = get_membership(
            request.user, request.session.get(SESSION_WORKSPACE_KEY)
        )
    return render(request, "home.html", {"membership": membership})
