"""``ui.rows.rows_if_any``: an empty list costs one cheap query; a full one keeps its order and relations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koshiki.org.models import OrgUnit
from koshiki.ui.rows import rows_if_any

pytestmark = pytest.mark.django_db


def test_an_empty_list_costs_one_query_without_joins(kyoto):  # noqa: ANN001
    with CaptureQueriesContext(connection) as ctx:
        assert rows_if_any(OrgUnit.objects.filter(name="存在しない課"), 10, "municipality") == []
    assert len(ctx.captured_queries) == 1
    assert "JOIN" not in ctx.captured_queries[0]["sql"]


def test_rows_keep_the_querysets_order_and_limit_and_carry_their_relations(kyoto):  # noqa: ANN001
    units = OrgUnit.objects.filter(municipality=kyoto.municipality).order_by("-name")
    expected = list(units.values_list("pk", flat=True)[:3])
    assert len(expected) == 3
    rows = rows_if_any(units, 3, "municipality")
    assert [u.pk for u in rows] == expected
    with CaptureQueriesContext(connection) as ctx:
        assert {u.municipality.name for u in rows} == {kyoto.municipality.name}
    assert ctx.captured_queries == []  # loaded with the rows
    assert [u.pk for u in rows_if_any(units, None)] == list(units.values_list("pk", flat=True))
