"""Every dashboard page renders for a signed-in owner and sends anonymous people to sign in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

PAGES = [
    "home",
    "posts:compose",
    "posts:log",
    "posts:calendar",
    "platforms:accounts",
    "platforms:versions",
    "accounts:profiles",
    "accounts:members",
    "accounts:api-keys",
    "accounts:settings",
]


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_for_the_owner(owner_client: Client, sandbox, name: str) -> None:
    response = owner_client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "htmx" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "vendor/pico.min.css" in html


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_anonymous_people_to_sign_in(
    client: Client, db: None, name: str
) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_post_detail_renders_and_needs_sign_in(
    owner, owner_client: Client, sandbox
) -> None:
    from tests.dashboard.helpers import make_post

    url = reverse("posts:detail", args=[make_post(owner, sandbox).pk])
    assert owner_client.get(url).status_code == 200
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("account_login")
    )


def test_every_link_on_home_answers(owner_client: Client, sandbox) -> None:
    import re

    home = owner_client.get(reverse("home")).content.decode()
    links = sorted(
        {
            link
            for link in re.findall(r'href="(/[^"#?]*)"', home)
            if not link.startswith(("/static", "/accounts/logout"))
        }
    )
    assert len(links) >= 10
    for link in links:
        assert owner_client.get(link).status_code < 400, link


def test_app_root_leads_to_the_dashboard_home(client: Client, db: None) -> None:
    response = client.get("/app/")
    assert response.status_code == 302
    assert response["Location"] == reverse("home") == "/"
