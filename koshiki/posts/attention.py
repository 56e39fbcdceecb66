"""What in posts waits for a person: drafts to decide, reports to confirm, mismatched publications, own drafts.

Shared by the posts index and the home page (「対応が必要なこと」), so a section
head sees the drafts waiting for approval as soon as they sign in. Read-only;
a handful of queries, each filtered by ``registry_access.accounts_visible_to``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from koshiki.org.roles import COMPANY_ROLES, Role
from koshiki.posts import access
from koshiki.posts.models import ApprovalRun, Draft, PostHocReport, Publication, SecondCheckRequest
from koshiki.posts.procedures import APPROVER_ROLES
from koshiki.posts.states import SUBMITTABLE, DraftStatus, RunStatus, SecondCheckRequestStatus
from koshiki.registry import access as registry_access
from koshiki.registry.access import people_holding
from koshiki.ui.rows import rows_if_any

MISMATCH_DAYS = 30
_PUBLICATION_RELATED = ("draft__account__municipality", "draft__account__owning_unit", "recorded_by")
# Who can keep a row of each list (the Python check after the query); anyone else is spared
# the query: an auditor's home page costs no posts query at all.
_APPROVERS = APPROVER_ROLES | COMPANY_ROLES  # can_approve_post: a chain role, or the company's manager
_SECTION_HEADS = (Role.SECTION_HEAD,)  # can_set_post_scopes
_WRITERS = (Role.OPERATOR, Role.SECTION_HEAD)  # can_draft_post / can_second_check_post
_PUBLICATION_WATCHERS = (Role.SECTION_HEAD, Role.GOVERNANCE_OFFICE)


def drafts_to_decide(user: Any) -> list[Draft]:
    """Submitted drafts whose current step the user may decide (never their own)."""
    out: list[Draft] = []
    if not registry_access.holds_any(user, _APPROVERS):
        return out
    runs = ApprovalRun.objects.filter(
        status=RunStatus.IN_PROGRESS, draft__account__in=registry_access.accounts_visible_to(user)
    ).select_related(
        "draft__account__municipality", "draft__account__owning_unit", "draft__author", "revision"
    )
    for run in runs:
        role = run.current_role
        mine = user.pk in {run.draft.author_id, run.revision.author_id, run.submitted_by_id}
        if role and not mine and access.can_approve_post(user, run.draft.account, role):
            out.append(run.draft)
    return out


def reports_to_confirm(user: Any) -> list[PostHocReport]:
    """Unconfirmed post-hoc reports the user (a section head of the account) may confirm."""
    if not registry_access.holds_any(user, _SECTION_HEADS):
        return []
    reports = PostHocReport.objects.unconfirmed().filter(
        draft__account__in=registry_access.accounts_reached_by(user, _SECTION_HEADS)
    )
    rows = rows_if_any(reports, None, "draft__account__owning_unit", "scope", "reported_by")
    return [r for r in rows if access.can_set_post_scopes(user, r.draft.account)]


def mismatched_publications(user: Any) -> list[Publication]:
    """Recent posts whose published text differs from the approved one, for the section head (issue 4.5)."""
    if not registry_access.holds_any(user, _SECTION_HEADS):
        return []
    since = timezone.now() - timedelta(days=MISMATCH_DAYS)
    qs = Publication.objects.filter(
        matches=False,
        recorded_at__gte=since,
        draft__account__in=registry_access.accounts_reached_by(user, _SECTION_HEADS),
    ).order_by("-recorded_at")
    rows = rows_if_any(qs, 50, *_PUBLICATION_RELATED)
    return [p for p in rows if access.can_set_post_scopes(user, p.draft.account)]


def publications_before_approval(user: Any) -> list[Publication]:
    """Posts published before their approval (issue 9 item 3), for the section head and the office."""
    if not registry_access.holds_any(user, _PUBLICATION_WATCHERS):
        return []
    qs = Publication.objects.filter(
        before_approval=True,
        draft__account__in=registry_access.accounts_reached_by(user, _PUBLICATION_WATCHERS),
    ).order_by("-recorded_at")
    return [
        p
        for p in rows_if_any(qs, 50, *_PUBLICATION_RELATED)
        if access.can_set_post_scopes(user, p.draft.account)
        or registry_access.holds_for(user, Role.GOVERNANCE_OFFICE, p.draft.account)
    ]


def second_check_candidates(draft: Draft) -> list[Any]:
    """Who may do the second check of the draft's current revision: eligible, not its author (one or two queries)."""
    author = draft.current_revision.author_id if draft.current_revision else draft.author_id
    people = people_holding(draft.account, [Role.OPERATOR, Role.SECTION_HEAD])
    return [
        u
        for u in people
        if u.pk not in {author, draft.author_id} and access.can_second_check_post(u, draft.account)
    ]


def open_second_check_request(draft: Draft) -> SecondCheckRequest | None:
    """The draft's open request for a second check, if any (one query)."""
    return (
        SecondCheckRequest.objects.filter(draft=draft, status=SecondCheckRequestStatus.OPEN)
        .select_related("requested_of", "requested_by")
        .first()
    )


def second_checks_to_do(user: Any) -> list[SecondCheckRequest]:
    """Open requests for a second check the user may answer: naming them, or naming nobody (never their own draft)."""
    if not registry_access.holds_any(user, _WRITERS):
        return []
    qs = (
        SecondCheckRequest.objects.filter(
            status=SecondCheckRequestStatus.OPEN,
            draft__status__in=list(SUBMITTABLE),
            draft__account__in=registry_access.accounts_reached_by(user, _WRITERS),
        )
        .filter(Q(requested_of=user) | Q(requested_of__isnull=True))
        .exclude(draft__author=user)
        .exclude(requested_by=user)
    )
    return [
        r
        for r in rows_if_any(qs, 100, "draft__account", "draft__current_revision", "requested_by")
        if r.draft.current_revision.author_id != user.pk
        and access.can_second_check_post(user, r.draft.account)
    ]


@dataclass
class PostsAttention:
    """Everything in posts that waits for one user, for the home page."""

    to_decide: list[Draft] = field(default_factory=list)
    reports: list[PostHocReport] = field(default_factory=list)
    mismatches: list[Publication] = field(default_factory=list)
    before_approval: list[Publication] = field(default_factory=list)
    returned: list[Draft] = field(default_factory=list)
    to_publish: list[Draft] = field(default_factory=list)
    second_checks: list[SecondCheckRequest] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.reports if r.is_overdue)

    def __bool__(self) -> bool:
        return bool(
            self.to_decide
            or self.reports
            or self.mismatches
            or self.before_approval
            or self.returned
            or self.to_publish
            or self.second_checks
        )


def posts_attention(user: Any) -> PostsAttention:
    """The user's posts to-do list: decide, confirm, look at mismatches, fix returned drafts, record posts."""
    own: list[Draft] = []
    if registry_access.holds_any(user, _WRITERS):  # only a writer can revise or record their draft
        own = list(
            Draft.objects.filter(
                author=user,
                account__in=registry_access.accounts_reached_by(user, _WRITERS),
                status__in=[DraftStatus.RETURNED, DraftStatus.APPROVED],
            ).select_related("account", "current_revision")[:100]
        )
    return PostsAttention(
        to_decide=drafts_to_decide(user),
        reports=reports_to_confirm(user),
        mismatches=mismatched_publications(user),
        before_approval=publications_before_approval(user),
        returned=[d for d in own if d.status == DraftStatus.RETURNED],
        to_publish=[d for d in own if d.status == DraftStatus.APPROVED],
        second_checks=second_checks_to_do(user),
    )
