"""The OpenAPI document and the API cannot drift: schemathesis generates requests from the document.

Each generated request (valid and invalid bodies, bounded to a few dozen
examples per operation so the suite stays fast) goes through the real WSGI
application; every response must have a status the document declares, match
the declared schema, and never be a 500.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import unsupported_method

from koshiki.api.actions import do_create_api_token
from koshiki.api.openapi import openapi_document

schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = get_wsgi_application()
schema.base_url = "http://localhost"


_TOKEN: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class OperatorToken:
    """The operator's bearer token, so schemathesis can also send it wrong or leave it out."""

    def get(self, case, ctx):  # noqa: ANN001, ANN201
        return _TOKEN.get("secret", "not-issued-yet")

    def set(self, case, data, ctx):  # noqa: ANN001, ANN201
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def bearer(city):  # noqa: ANN001, ANN201
    _TOKEN["secret"] = do_create_api_token(city.operator, "スキーマ照合（広報課のテスト用）").secret
    yield _TOKEN["secret"]
    _TOKEN.clear()


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_as_its_openapi_document_says(case, bearer):  # noqa: ANN001
    # Excluded: an undeclared method (QUERY, TRACE) on the public, GET-only /api/openapi.json meets
    # the CSRF middleware first (403, Japanese page) rather than 405; tests/web/test_security.py
    # keeps /api/check the only CSRF-exempt view on purpose.
    response = case.call_and_validate(excluded_checks=[unsupported_method])
    assert response.status_code < 500
