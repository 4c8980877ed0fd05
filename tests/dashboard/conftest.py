"""Dashboard fixtures: browser-like clients signed in as the three personas."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from tests.conftest import Persona, connect_sandbox


def signed_in(user: User, **extra: object) -> Client:
    client = Client(**extra)
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner: Persona) -> Client:
    return signed_in(owner.user)


@pytest.fixture
def member_client(member: User) -> Client:
    return signed_in(member)


@pytest.fixture
def sandbox(owner: Persona):
    return connect_sandbox(owner, "demo")
