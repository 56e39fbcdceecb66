"""What needs the signed-in user's attention in comments (for the home page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from koshiki.comments import access
from koshiki.comments.actions.replies import open_follow_ups
from koshiki.comments.models import Comment, ModerationDecision
from koshiki.comments.states import CommentState, DecisionState
from koshiki.registry.access import accounts_reached_by, holds_any


@dataclass(frozen=True)
class CommentsAttention:
    open: int
    to_review: int
    follow_ups: int
    overdue: int

    def __bool__(self) -> bool:
        return bool(self.open or self.to_review or self.follow_ups)


def comments_attention(user: Any) -> CommentsAttention:
    """Open comments, hides/deletes waiting for this user's confirmation, interim replies awaiting an answer.

    Only for the accounts the user handles (a read-only role sees none here); a few queries.
    """
    if not holds_any(user, access.STAFF_ROLES):
        return CommentsAttention(open=0, to_review=0, follow_ups=0, overdue=0)  # no query
    # One subquery, not a permission check per account: a city-wide role's home page must not
    # cost more as the city's accounts grow (issue 10 item 9).
    handled = accounts_reached_by(user, access.STAFF_ROLES)
    comments = Comment.objects.filter(account__in=handled)
    to_review = (
        ModerationDecision.objects.filter(comment__in=comments, state=DecisionState.PENDING)
        .exclude(decided_by=user)
        .count()
    )
    follow_ups = open_follow_ups(comments)
    today = timezone.localdate()
    return CommentsAttention(
        open=comments.filter(state=CommentState.OPEN).count(),
        to_review=to_review,
        follow_ups=len(follow_ups),
        overdue=sum(1 for link in follow_ups if link.answer_due and link.answer_due < today),
    )
