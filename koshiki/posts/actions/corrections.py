"""Corrections of a published post, started as each profile prescribes."""

from __future__ import annotations

from django.db import transaction

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError
from koshiki.posts.actions.common import (
    _lock_draft,
    _new_revision,
    _require_draft,
    _revision_summary,
    check_draft_content,
    correction_template,
    post_procedures_for,
)
from koshiki.posts.models import (
    Draft,
)
from koshiki.posts.procedures import HANDLINGS
from koshiki.posts.states import (
    DraftKind,
    DraftStatus,
)


def do_start_correction(
    actor: Person, original: Draft, reason: str, *, handling: str = "", text: str = ""
) -> Draft:
    """Start a correction draft linked to a published post, with the handling the profile allows (issue 4.6).

    Kyoto and Ishinomaki: admit and correct, never delete (4(4)ア(イ), 3(4)ア(イ));
    Komae's policy sample: delete and post the correction (第5条2項);
    Akitakata: fix and apologise (4(2)ア). The correction goes through
    approval (or a scope) like any draft.
    """
    _require_draft(actor, original.account)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("どこが誤っていたかを入力してください")
    procedures = post_procedures_for(original.account)
    handling = handling or procedures.default_handling
    if handling not in procedures.correction_handlings:
        allowed = "・".join(HANDLINGS[h] for h in procedures.correction_handlings)
        raise ActionError(
            f"このガイドラインでは「{HANDLINGS.get(handling, handling)}」は選べません（{procedures.correction_clause}: {allowed}）"
        )
    with transaction.atomic():
        o = _lock_draft(original)
        if o.status != DraftStatus.PUBLISHED:
            raise ActionError("訂正できるのは投稿済みの投稿だけです")
        open_correction = o.corrections.exclude(
            status__in=[DraftStatus.PUBLISHED, DraftStatus.WITHDRAWN]
        ).first()
        if open_correction is not None:
            raise ActionError(f"この投稿の訂正案（#{open_correction.pk}）が既にあります")
        if not (text or "").strip():
            text = correction_template(procedures, o) or o.current_revision.text
        body, alts, urls, findings = check_draft_content(o.account, text, (), (), exclude_draft=None)
        d = Draft.objects.create(
            account=o.account,
            author=actor,
            kind=DraftKind.CORRECTION,
            corrects=o,
            correction_handling=handling,
            correction_reason=reason,
        )
        revision = _new_revision(d, 1, actor, body, alts, urls, findings)
        d.current_revision = revision
        d.save(update_fields=["current_revision"])
        record_event(
            actor,
            "posts.correction.start",
            d,
            {},
            {"kind": d.kind, "corrects": o.pk, "handling": handling, **_revision_summary(revision)},
            details={"reason": reason, "clause": procedures.correction_clause},
        )
    return d
