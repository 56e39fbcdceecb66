"""Whom a post's workflow step tells: approvers on submission, the next approver or the author on
approval, the author on return, the section head on a post-hoc report, the pre-checkers on a third
party's draft.

Each function runs inside the acting transaction and calls ``notify`` once.
Notifications name the account and the draft's number, never the post's text
(a mail may travel through a relay outside the unit).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from koshiki.actors import Person
from koshiki.notify.service import notify, settle
from koshiki.org.roles import Role
from koshiki.posts.models import ApprovalRun, Draft, PostHocReport
from koshiki.registry.access import people_holding


def draft_settled(d: Draft) -> None:
    """Nothing waits on the draft any more (recalled, withdrawn, report confirmed): settle its notifications."""
    settle(f"draft:{d.pk}")


def submission_settled(submission: Any) -> None:
    settle(f"submission:{submission.pk}")


def _draft_label(d: Draft) -> str:
    return f"投稿案 #{d.pk}（{d.account.display_name}）"


def approvers_told(actor: Person, d: Draft, run: ApprovalRun) -> None:
    """The run's current step waits: tell the holders of its role for the account (never the author)."""
    draft_settled(d)
    role = run.current_role
    if role is None:
        return
    people = [u for u in people_holding(d.account, [role]) if u.pk not in {d.author_id, run.submitted_by_id}]
    notify(
        people,
        kind="posts.approve",
        title=f"{_draft_label(d)}の承認を依頼されました",
        body=f"承認する段階: {Role(role).label}",
        url=reverse("posts:approval", args=[d.pk]),
        municipality=d.account.municipality,
        topic=f"draft:{d.pk}",
        exclude=actor,
    )


def author_told_approved(actor: Person, d: Draft) -> None:
    draft_settled(d)
    notify(
        [d.author],
        kind="posts.approved",
        title=f"{_draft_label(d)}が承認されました。投稿したら記録してください",
        url=reverse("posts:draft", args=[d.pk]),
        municipality=d.account.municipality,
        topic=f"draft:{d.pk}",
        exclude=actor,
    )


def author_told_returned(actor: Person, d: Draft, comment: str) -> None:
    draft_settled(d)
    notify(
        [d.author],
        kind="posts.return",
        title=f"{_draft_label(d)}が差し戻されました",
        body=f"コメント: {comment[:300]}",
        url=reverse("posts:draft", args=[d.pk]),
        municipality=d.account.municipality,
        topic=f"draft:{d.pk}",
        exclude=actor,
    )


def author_told_cancelled(actor: Person, d: Draft, what: str, reason: str) -> None:
    """Someone else recalled or withdrew the author's draft: tell the author why (issue 9 item 10)."""
    notify(
        [d.author],
        kind="posts.cancel",
        title=f"{_draft_label(d)}: {what}",
        body=f"理由: {reason[:300]}",
        url=reverse("posts:draft", args=[d.pk]),
        municipality=d.account.municipality,
        topic=f"draft:{d.pk}",
        exclude=actor,
    )


def second_checkers_told(actor: Person, d: Draft, people: list[Any]) -> None:
    """A second check was requested: tell the named colleague, or everyone eligible (京都市4(1)イ(ウ)c)."""
    notify(
        people,
        kind="posts.second_check",
        title=f"{_draft_label(d)}の内容の確認（複数の職員による確認）を依頼されました",
        url=reverse("posts:draft", args=[d.pk]) + "#second-check",
        municipality=d.account.municipality,
        topic=f"second_check:{d.pk}",
        exclude=actor,
    )


def second_check_settled(d: Draft) -> None:
    settle(f"second_check:{d.pk}")


def section_head_told_report(actor: Person, report: PostHocReport) -> None:
    d = report.draft
    notify(
        people_holding(d.account, [Role.SECTION_HEAD]),
        kind="posts.report",
        title=f"{_draft_label(d)}が事前承認の範囲で投稿されました。内容を確認してください",
        url=reverse("posts:reports") + "?show=open",
        municipality=d.account.municipality,
        topic=f"draft:{d.pk}",
        exclude=actor,
    )


def prechecker_told(submission: Any, roles: tuple[str, ...]) -> None:
    """A third party submitted a draft through the campaign link: the city's approvers pre-check it."""
    account = submission.campaign.account
    notify(
        people_holding(account, roles),
        kind="posts.campaign.precheck",
        title=f"「{submission.campaign.name}」に第三者から投稿案が届きました（提出{submission.number}）。事前確認してください",
        url=reverse("campaigns:precheck", args=[submission.pk]),
        municipality=account.municipality,
        topic=f"submission:{submission.pk}",
    )
