"""The checker's version for one profile: which code, word lists, bindings and params produced a findings list.

Stored findings (a draft's revision, an account's stored findings) carry it,
so a reader can tell findings computed by an older checker, profile or city
settings and recompute them.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import koshiki
from koshiki.checker.profiles import Profile, load_profile

_ROOT = Path(__file__).parent


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """SHA-256 of the checker's code and word lists (read once per process, ~1 ms)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in _ROOT.rglob("*") if p.suffix in (".py", ".toml", ".txt") and p.is_file()):
        if "profiles" in path.relative_to(_ROOT).parts:
            continue  # the profile's own data is hashed per profile below
        digest.update(str(path.relative_to(_ROOT)).encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


# Versions already computed, per profile object (a city's settings make a new one per version).
_VERSIONS: dict[int, tuple[Profile, str]] = {}


def checker_version(profile: str | Profile) -> str:
    """「0.1.0+3f2a9c1b7d4e」: the package version and a hash of the checker's code, word lists and the
    profile's rule bindings and params.

    Two findings lists with the same version were produced by the same rules,
    lexicons, severities, clauses, options and params, so a city's changed
    settings (``citysettings``) make earlier findings stale.
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    hit = _VERSIONS.get(id(prof))
    if hit is not None and hit[0] is prof:
        return hit[1]
    if len(_VERSIONS) > 256:
        _VERSIONS.clear()
    version = _version(prof)
    _VERSIONS[id(prof)] = (prof, version)
    return version


def _version(profile: Profile) -> str:
    bindings = {
        rule_id: {
            "ref": b.clause.ref,
            "title": b.clause.title,
            "severity": b.severity.value if b.severity else None,
            "enabled": b.enabled,
            "options": dict(b.options),
        }
        for rule_id, b in sorted(profile.bindings.items())
    }
    payload = json.dumps(
        {"code": _code_digest(), "bindings": bindings, "params": dict(profile.params)},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return f"{koshiki.__version__}+{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:12]}"
