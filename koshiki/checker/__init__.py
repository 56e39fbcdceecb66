"""The guideline checker: a plain library that imports nothing from Django.

``check(text, profile, context)`` returns typed findings; see ``engine``.
"""

from koshiki.checker.context import CheckContext, ContextError
from koshiki.checker.engine import check, check_subject, warm_up
from koshiki.checker.findings import Clause, Finding, Severity, Suggestion
from koshiki.checker.profiles import Profile, ProfileError, load_profile

__all__ = [
    "CheckContext",
    "Clause",
    "ContextError",
    "Finding",
    "Profile",
    "ProfileError",
    "Severity",
    "Suggestion",
    "check",
    "check_subject",
    "load_profile",
    "warm_up",
]
