"""Fixtures of the web tests: a kyoto-profile city with a person in every role."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.factories import City, make_city


@pytest.fixture
def city(db) -> City:  # noqa: ANN001
    return make_city("kyoto")


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client logged in as ``user`` (no password hashing)."""

    def make(user) -> Client:  # noqa: ANN001
        client = Client()
        client.force_login(user)
        return client

    return make
