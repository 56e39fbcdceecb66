"""Moderation decisions and their reversal: clause and reason, second person, wrong state, self-review."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.comments import actions
from koshiki.comments.models import ModerationDecision
from koshiki.comments.states import CommentState, DecisionKind, DecisionState
from koshiki.errors import ActionError
from tests.comments.conftest import add_comment

DOXXING = "こいつの住所は港区本町3-5-12、勤め先も知ってる。晒してやるから覚悟しとけ"
CRITICISM = "市長のこの判断は納得できない。税金の無駄遣いだと思う。予算の使い道を見直すべきだ"


def test_hiding_needs_a_clause_and_a_reason_and_waits_for_a_second_person(kyoto):
    op, head = kyoto.people["operator"], kyoto.people["head"]
    comment = add_comment(kyoto.account, op, DOXXING)
    assert "comment.privacy" in comment.categories
    # A threat with an address: hide (or escalate first, when the checker reads a danger).
    assert comment.suggested_action in ("hide_or_delete", "escalate")
    with pytest.raises(ActionError, match="条項"):
        actions.do_moderate(op, comment, kind=DecisionKind.HIDE, rule="", reason="個人の住所を晒しているため")
    with pytest.raises(ActionError, match="理由"):
        actions.do_moderate(op, comment, kind=DecisionKind.HIDE, rule="comment.privacy", reason="  ")
    decision = actions.do_moderate(
        op,
        comment,
        kind=DecisionKind.HIDE,
        rule="comment.privacy",
        reason="第三者の住所を本人の承諾なく公開しているため",
    )
    # 京都市: the account policy's clause (様式1 注意事項(9)) and its version, then the second person.
    assert decision.clause_ref == "注意事項(9)"
    assert decision.policy_version == 1
    assert decision.state == DecisionState.PENDING
    comment.refresh_from_db()
    assert comment.state == CommentState.PENDING
    # The person who decided cannot confirm it.
    with pytest.raises(ActionError, match="自分の判断"):
        actions.do_review_moderation(op, decision, approve=True)
    # Someone who cannot handle the account cannot either.
    with pytest.raises(PermissionDenied):
        actions.do_review_moderation(kyoto.people["head_b"], decision, approve=True)
    actions.do_review_moderation(head, decision, approve=True, comment="確認しました")
    decision.refresh_from_db()
    comment.refresh_from_db()
    assert decision.state == DecisionState.IN_FORCE and decision.reviewed_by == head
    assert comment.state == CommentState.HIDDEN
    # A second decision on a hidden comment is refused until the first is reversed.
    with pytest.raises(ActionError, match="取り消して"):
        actions.do_moderate(
            head, comment, kind=DecisionKind.DELETE, rule="comment.privacy", reason="念のため削除する"
        )
    assert verify_chain().broken is None


def test_a_refused_review_needs_a_reason_and_opens_the_comment_again(kyoto):
    op, head = kyoto.people["operator"], kyoto.people["head"]
    comment = add_comment(kyoto.account, op, DOXXING)
    decision = actions.do_moderate(
        op, comment, kind=DecisionKind.DELETE, rule="comment.privacy", reason="住所の公開のため削除"
    )
    with pytest.raises(ActionError, match="理由"):
        actions.do_review_moderation(head, decision, approve=False)
    actions.do_review_moderation(head, decision, approve=False, comment="非表示で足りるので削除は認めない")
    comment.refresh_from_db()
    assert comment.state == CommentState.OPEN
    with pytest.raises(ActionError, match="確認不承認|確認で不承認"):
        actions.do_review_moderation(kyoto.people["head2"], decision, approve=True)


def test_reversal_is_a_new_row_with_a_reason_and_reopens_the_comment(kyoto):
    op, head = kyoto.people["operator"], kyoto.people["head"]
    comment = add_comment(kyoto.account, op, DOXXING)
    decision = actions.do_moderate(
        op, comment, kind=DecisionKind.HIDE, rule="comment.privacy", reason="住所の公開のため"
    )
    # A pending decision cannot be reversed (refuse it in the review instead).
    with pytest.raises(ActionError, match="確認待ち"):
        actions.do_reverse_moderation(head, decision, reason="誤りだったため取り消す")
    actions.do_review_moderation(head, decision, approve=True)
    with pytest.raises(ActionError, match="理由"):
        actions.do_reverse_moderation(op, decision, reason="")
    reversal = actions.do_reverse_moderation(
        op, decision, reason="住所は架空の施設名で、個人情報ではなかったため"
    )
    decision.refresh_from_db()
    comment.refresh_from_db()
    assert reversal.kind == DecisionKind.REVERSE and reversal.reverses == decision
    assert decision.state == DecisionState.REVERSED
    assert comment.state == CommentState.OPEN
    assert ModerationDecision.objects.filter(comment=comment).count() == 2
    with pytest.raises(ActionError, match="取り消せません"):
        actions.do_reverse_moderation(op, decision, reason="もう一度取り消す")
    with pytest.raises(ActionError, match="取り消せません"):
        actions.do_reverse_moderation(op, reversal, reason="取消しを取り消す")
    codes = list(AuditEvent.objects.filter(action__startswith="comments.").values_list("action", flat=True))
    assert codes.count("comments.moderation.reverse") == 1
    assert "comments.moderation.review" in codes and "comments.moderate" in codes


def test_harsh_civil_criticism_is_no_finding_and_no_action_is_a_decision_too(kyoto):
    op = kyoto.people["operator"]
    comment = add_comment(kyoto.account, op, CRITICISM)
    assert comment.findings == [] and comment.categories == []
    assert comment.suggested_action != "hide_or_delete"
    decision = actions.do_moderate(
        op, comment, kind=DecisionKind.NO_ACTION, reason="市政への意見で、注意事項に当たらない"
    )
    comment.refresh_from_db()
    # No action takes effect at once (nothing is removed), without a second person.
    assert decision.state == DecisionState.IN_FORCE and comment.state == CommentState.NO_ACTION


def test_wrong_roles_cannot_moderate(kyoto):
    op = kyoto.people["operator"]
    comment = add_comment(kyoto.account, op, DOXXING)
    for key in ("auditor", "operator_b", "office", "nobody"):
        with pytest.raises(PermissionDenied):
            actions.do_moderate(
                kyoto.people[key],
                comment,
                kind=DecisionKind.HIDE,
                rule="comment.privacy",
                reason="住所の公開のため",
            )
    assert not ModerationDecision.objects.exists()


def test_a_profile_without_second_person_hides_at_once(db):
    from tests.personas import account_in, make_city

    city = make_city("kawasaki")
    account = account_in(city, "listed")
    comment = add_comment(account, city.people["operator"], DOXXING)
    from koshiki.comments.procedures import parse_comment_procedures

    # kawasaki inherits standard: second person required; a profile may say none.
    assert parse_comment_procedures({"moderation_review": "none"}).needs_second_person is False
    decision = actions.do_moderate(
        city.people["operator"],
        comment,
        kind=DecisionKind.HIDE,
        rule="comment.privacy",
        reason="住所の公開のため",
    )
    assert decision.state == DecisionState.PENDING
