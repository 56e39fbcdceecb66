"""The guideline checker: a plain library that imports nothing from Django.

``check(text, profile, context)`` returns typed findings; see ``engine``.
"""

from koshiki.checker.context import CheckContext, ContextError
from koshiki.checker.engine import check, check_media, check_subject, warm_up
from koshiki.checker.findings import Clause, Finding, Severity, Suggestion
from koshiki.checker.profiles import Profile, ProfileError, load_profile
from koshiki.checker.subjects import AccountRecord, MediaFacts

__all__ = [
    "AccountRecord",
    "CheckContext",
    "Clause",
    "ContextError",
    "Finding",
    "MediaFacts",
    "Profile",
    "ProfileError",
    "Severity",
    "Suggestion",
    "check",
    "check_media",
    "check_subject",
    "load_profile",
    "warm_up",
]
