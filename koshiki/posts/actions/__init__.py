"""Every change to posts: one ``do_*`` function per kind of change, one module per noun.

Each action (1) checks permission through ``posts.access``, (2) runs in one
``transaction.atomic()`` holding a row lock (``select_for_update``) on the
rows whose state it guards, (3) guards the current state and inputs, raising
``ActionError`` (Japanese message) or ``PermissionDenied``, and (4) appends an
audit event in the same transaction. The checker runs before the transaction
(pure computation), so locks are held for a few queries only.

What differs between cities (approval chain, scopes, second check, report
deadline, correction handling, campaign rules) is the ``[posts]`` table of the
profile's procedures (``posts.procedures``); nothing here branches on the city.

The modules: ``drafts`` (create, edit, submit, recall, withdraw), ``approvals``
(the chain's decisions), ``media`` (images and videos), ``scopes`` (pre-approved scopes, second check,
post-hoc report), ``publications`` and ``corrections``; ``common`` holds the
shared guards. Everything public is re-exported here, so callers keep writing
``from koshiki.posts import actions; actions.do_submit(...)``. Paid
third-party campaigns are their own app (``koshiki.campaigns.actions``).
"""

from koshiki.posts.actions.approvals import (
    do_approve,
    do_return,
)
from koshiki.posts.actions.common import (
    MAX_FUTURE_SKEW,
    POSTABLE_STATES,
    check_draft_content,
    correction_template,
    hours_warning,
    is_postable,
    operating_hours_for,
    post_procedures_for,
    recent_published_texts,
)
from koshiki.posts.actions.corrections import (
    do_start_correction,
)
from koshiki.posts.actions.drafts import (
    do_create_draft,
    do_edit_draft,
    do_recall_submission,
    do_submit,
    do_withdraw_draft,
)
from koshiki.posts.actions.media import (
    do_attach_media,
    do_clean_media,
    do_describe_media,
    do_detach_media,
    do_record_media,
)
from koshiki.posts.actions.publications import (
    do_record_publication,
)
from koshiki.posts.actions.scopes import (
    do_confirm_report,
    do_post_under_scope,
    do_record_second_check,
    do_request_second_check,
    do_set_scopes,
)

__all__ = [
    "MAX_FUTURE_SKEW",
    "POSTABLE_STATES",
    "is_postable",
    "check_draft_content",
    "correction_template",
    "do_approve",
    "do_attach_media",
    "do_clean_media",
    "do_describe_media",
    "do_detach_media",
    "do_record_media",
    "do_confirm_report",
    "do_create_draft",
    "do_edit_draft",
    "do_post_under_scope",
    "do_recall_submission",
    "do_record_publication",
    "do_record_second_check",
    "do_request_second_check",
    "do_return",
    "do_set_scopes",
    "do_start_correction",
    "do_submit",
    "do_withdraw_draft",
    "hours_warning",
    "operating_hours_for",
    "post_procedures_for",
    "recent_published_texts",
]
