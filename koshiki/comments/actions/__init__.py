"""Every change to comments: one ``do_*`` function per kind of change, one module per noun.

Each action checks permission through ``comments.access``, runs in one
``transaction.atomic()`` holding a row lock on what it guards, refuses a wrong
state or input with a Japanese ``ActionError``, and appends an audit event in
the same transaction. Classification (the checker) runs before the
transaction. What differs between cities (second person for moderation, reply
exceptions, interim templates, follow policy) is the ``[comments]`` table of
the profile's procedures (``comments.procedures``).

Modules: ``imports`` (paste, CSV, API), ``moderation`` (decide, confirm,
reverse), ``replies`` (reply drafts through ``posts.actions``), ``follows``
and ``transparency`` (the monthly public summary).
"""

from koshiki.comments.actions.follows import do_end_follow, do_register_follow
from koshiki.comments.actions.imports import ImportResult, do_import_comments
from koshiki.comments.actions.moderation import do_moderate, do_reverse_moderation, do_review_moderation
from koshiki.comments.actions.replies import (
    business_days_after,
    do_start_reply,
    open_follow_ups,
    reply_refusal,
)
from koshiki.comments.actions.transparency import do_publish_summary, month_counts

__all__ = [
    "ImportResult",
    "business_days_after",
    "do_end_follow",
    "do_import_comments",
    "do_moderate",
    "do_publish_summary",
    "do_register_follow",
    "do_reverse_moderation",
    "do_review_moderation",
    "do_start_reply",
    "month_counts",
    "open_follow_ups",
    "reply_refusal",
]
