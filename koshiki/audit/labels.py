"""Japanese names for the audit trail: action codes and the objects events point at.

Each app names its own codes: its ``AppConfig`` carries ``audit_actions``
({code: 名称}), ``audit_related`` ({object type: related rows its name
reads}) and, where ``str()`` is not the name, ``audit_namers`` ({object
type: function}); this module collects them from the installed apps, so the audit app
imports no app above it (Decidim's per-module log presenters). Object types
are named by their model's ``verbose_name``. An unknown code is shown as the
code itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError

from koshiki.audit.events import actor_label

# Object types that are not models: a failed login under a name no account has (home.login).
PSEUDO_TYPES = {"auth.login": "ログインの試行（存在しない利用者名）"}


def _collected(attribute: str) -> dict[str, Any]:
    """The union of one ``AppConfig`` attribute over the installed apps (read once per call)."""
    merged: dict[str, Any] = {}
    for config in apps.get_app_configs():
        merged.update(getattr(config, attribute, None) or {})
    return merged


@cache
def action_labels() -> dict[str, str]:
    """{action code: Japanese name} for every code the installed apps record (built once)."""
    return _collected("audit_actions")


@cache
def _select_related() -> dict[str, tuple[str, ...]]:
    return _collected("audit_related")


def action_label(code: str) -> str:
    """The Japanese name of an action code, or the code itself when unknown (the auditors' page)."""
    return action_labels().get(code, code)


UNNAMED_ACTION = "その他の操作"


def action_name(code: str) -> str:
    """The Japanese name of an action code, never the code: pages for staff who are not auditors.

    Every code recorded has a name (tests/audit/test_action_labels.py); this
    only guards against a code a later version stops naming.
    """
    return action_labels().get(code, UNNAMED_ACTION)


@cache
def _namers() -> dict[str, Any]:
    return _collected("audit_namers")


def _name(obj: Any, object_type: str) -> str:
    namer = _namers().get(object_type)
    if namer is not None:
        return str(namer(obj))
    if hasattr(obj, "get_username"):  # a user: full name and login, as the trail names actors
        return actor_label(obj)
    return str(obj)


def object_names(events: Iterable[Any]) -> dict[tuple[str, str], str]:
    """{(object_type, object_id): name} for the events' objects, one query per object type.

    Types that are not models (``auth.login``) and rows since deleted are left out; the
    caller shows the type and id for those.
    """
    wanted: dict[str, set[Any]] = defaultdict(set)
    for e in events:
        wanted[e.object_type].add(e.object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, raw_ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        ids = []
        for raw in raw_ids:
            try:
                ids.append(model._meta.pk.to_python(raw))
            except ValidationError:
                continue
        if not ids:
            continue
        qs = model._default_manager.select_related(*_select_related().get(object_type, ()))
        for pk, obj in qs.in_bulk(ids).items():
            names[(object_type, str(pk))] = _name(obj, object_type)
    return names


def object_type_label(object_type: str) -> str:
    """The model's Japanese name (verbose_name) for an object type, or the type itself."""
    if object_type in PSEUDO_TYPES:
        return PSEUDO_TYPES[object_type]
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
