"""Fixtures of the documents tests: the web tests' city and client builders."""

from tests.web.conftest import city, client_for  # noqa: F401
