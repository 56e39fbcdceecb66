"""Loading a list's rows only when it has any: the attention lists of the home page are mostly empty.

Building a query that follows three or four relations (``select_related``)
costs Django about 1.5 ms of CPU before the database sees it, whatever the
result; the home page asks up to ten such lists, most of them empty on most
days (reports to confirm, mismatched or early publications, second checks).
``rows_if_any`` first asks for the primary keys alone (a cheap query) and only
loads the rows with their relations when there is one (issue 10 item 10).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def rows_if_any(queryset: QuerySet[Any], limit: int | None, *related: str) -> list[Any]:
    """The first ``limit`` (None: all) rows of ``queryset`` in its order, with ``related``; one query when none."""
    pks = list(queryset.values_list("pk", flat=True)[:limit])
    if not pks:
        return []
    loaded = queryset.model._default_manager.select_related(*related).in_bulk(pks)
    return [loaded[pk] for pk in pks if pk in loaded]  # a row deleted in between is left out
