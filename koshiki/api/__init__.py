"""The JSON API: ``POST /api/check`` for other tools, its OpenAPI document, and per-user tokens.

The API returns exactly what ``koshiki check --format json`` prints, built from
the same functions (``Finding.as_dict``, ``CheckContext.from_dict``), so the
CLI and the API cannot drift apart.
"""
