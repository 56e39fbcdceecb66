"""Committee meetings: open one with its attendance, vote, decide with quorum, close with minutes (audited).

狛江市4(2)ウ 「行政情報化推進委員会は…承認します」 and 安芸高田市7(3)
「審査委員会で審査」: the committee decides as a body. A decision needs the
quorum of the profile (``[committee] quorum``) present and more than half of
the present members voting for it; ``do_decide`` then runs the lifecycle
step in the same transaction, which nothing else can (``committees.checks``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event, snapshot
from koshiki.committees import access
from koshiki.committees.models import Attendance, Decision, Meeting, MeetingStatus, Outcome, Vote, VoteChoice
from koshiki.errors import ActionError, require
from koshiki.org.models import Municipality
from koshiki.registry.actions import do_step
from koshiki.registry.lifecycle import Procedures, Step, load_procedures
from koshiki.registry.models import Account, Application


def procedures_of(municipality: Municipality) -> Procedures:
    return load_procedures(municipality.profile_id)


def committee_steps(procedures: Procedures, status: str, kind: str | None = None) -> list[Step]:
    """The steps that need a committee decision from ``status`` (of one kind, or all)."""
    return [
        s
        for s in procedures.steps_from(status)
        if "committee_decision" in s.requires and (kind is None or s.kind == kind)
    ]


def agenda(meeting: Meeting) -> list[Account]:
    """Applications waiting for the committee in the meeting's city (state from the profile)."""
    procedures = procedures_of(meeting.municipality)
    states = {st for s in procedures.steps if "committee_decision" in s.requires for st in s.from_states}
    return list(
        Account.objects.filter(municipality=meeting.municipality, status__in=sorted(states))
        .select_related("owning_unit")
        .order_by("pk")
    )


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=meeting.pk)


def _present_ids(present: Iterable[Any]) -> set[int]:
    return {getattr(p, "pk", p) for p in present}


def do_open_meeting(
    actor: Person, municipality: Municipality, *, title: str, held_on: date, present: Iterable[Any]
) -> Meeting:
    """Record a meeting held on ``held_on`` with every current member present or absent."""
    require(
        access.can_keep_meetings(actor, municipality), "委員会の会議を記録できるのは委員会事務局・委員長です"
    )
    procedures = procedures_of(municipality)
    if not procedures.committee_name:
        raise ActionError("この自治体の手続には委員会がありません")
    title = (title or "").strip() or f"{procedures.committee_name}"
    if held_on > timezone.localdate():
        raise ActionError("開催日に未来の日付は入力できません（会議を開いてから記録してください）")
    members = access.members_of(municipality)
    if not members:
        raise ActionError("委員会の委員が登録されていません（組織と役割で委員・委員長を付与してください）")
    wanted = _present_ids(present)
    known = {u.pk for u, _ in members}
    if wanted - known:
        raise ActionError("委員ではない職員は出席者にできません")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            municipality=municipality,
            title=title[:200],
            held_on=held_on,
            member_count=len(members),
            quorum_required=access.quorum_for(procedures.committee_quorum, len(members)),
            opened_by=actor,
        )
        for user, is_chair in members:
            Attendance.objects.create(
                meeting=meeting, member=user, is_chair=is_chair, present=user.pk in wanted
            )
        record_event(
            actor,
            "committee.meeting.open",
            meeting,
            {},
            {
                **snapshot(meeting, ["title", "held_on", "member_count", "quorum_required"]),
                "present": sorted(wanted),
            },
            municipality=municipality,
        )
    return meeting


def do_set_attendance(actor: Person, meeting: Meeting, present: Iterable[Any]) -> Meeting:
    """Correct who was present, before any decision of the meeting (a decision's quorum never changes)."""
    require(
        access.can_keep_meetings(actor, meeting.municipality), "出席を記録できるのは委員会事務局・委員長です"
    )
    wanted = _present_ids(present)
    with transaction.atomic():
        m = _lock_meeting(meeting)
        if m.status != MeetingStatus.OPEN:
            raise ActionError("終了した会議の出席は変更できません")
        if m.decisions.exists():
            raise ActionError("議決の後は出席を変更できません（定足数の記録が変わるため）")
        seats = list(m.attendance.all())
        if wanted - {s.member_id for s in seats}:
            raise ActionError("委員ではない職員は出席者にできません")
        before = sorted(s.member_id for s in seats if s.present)
        for seat in seats:
            if seat.present != (seat.member_id in wanted):
                seat.present = seat.member_id in wanted
                seat.save(update_fields=["present"])
        record_event(
            actor, "committee.meeting.attendance", m, {"present": before}, {"present": sorted(wanted)}
        )
    return m


def _guard_agendum(m: Meeting, account: Account) -> None:
    if account.municipality_id != m.municipality_id:
        raise ActionError("別の自治体の申請です")
    if not committee_steps(procedures_of(m.municipality), account.status):
        raise ActionError(
            f"「{account.display_name}」は委員会の審査を待っていません（{account.get_status_display()}）"
        )
    if m.decisions.filter(account=account).exists():
        raise ActionError("この申請はこの会議で既に議決されています")


def do_vote(actor: Person, meeting: Meeting, account: Account, *, choice: str, comment: str = "") -> Vote:
    """A present member votes on an application (a vote may change until the decision)."""
    require(access.can_vote(actor, meeting), "表決できるのは、この会議に出席した委員です")
    if choice not in VoteChoice.values:
        raise ActionError("表決が正しくありません")
    with transaction.atomic():
        m = _lock_meeting(meeting)
        if m.status != MeetingStatus.OPEN:
            raise ActionError("終了した会議では表決できません")
        acc = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
        _guard_agendum(m, acc)
        application = Application.objects.filter(account=acc).first()
        if application is not None and application.applicant_id == actor.pk:
            raise ActionError("自分が申請した案件には表決できません")
        vote = Vote.objects.filter(meeting=m, account=acc, member=actor).first()
        before = {"choice": vote.choice} if vote else {}
        if vote is None:
            vote = Vote(meeting=m, account=acc, member=actor)
        vote.choice, vote.comment, vote.voted_at = choice, (comment or "").strip(), timezone.now()
        vote.save()
        record_event(actor, "committee.vote", vote, before, {"choice": choice, "comment": vote.comment})
    return vote


def do_decide(actor: Person, meeting: Meeting, account: Account, *, outcome: str, reasons: str) -> Decision:
    """The chair declares the committee's decision and the application's step runs with it.

    Refused without quorum, without a majority of the present members for the
    outcome, without reasons, or for a meeting dated before the application
    was submitted.
    """
    require(access.can_decide(actor, meeting), "議決を宣告できるのは、会議に出席した委員長です")
    if outcome not in Outcome.values:
        raise ActionError("議決の内容が正しくありません")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ActionError("議決の理由を入力してください")
    with transaction.atomic():
        m = _lock_meeting(meeting)
        if m.status != MeetingStatus.OPEN:
            raise ActionError("終了した会議では議決できません")
        acc = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
        _guard_agendum(m, acc)
        application = Application.objects.filter(account=acc).first()
        if (
            application
            and application.submitted_at
            and m.held_on < timezone.localtime(application.submitted_at).date()
        ):
            raise ActionError("会議の開催日が申請の提出日より前です。提出後の会議で議決してください")
        present = m.attendance.filter(present=True).count()
        if present < m.quorum_required:
            raise ActionError(
                f"定足数に達していないため議決できません（出席 {present}人／定足数 {m.quorum_required}人、委員 {m.member_count}人）"
            )
        votes = list(
            Vote.objects.filter(
                meeting=m, account=acc, member__in=m.attendance.filter(present=True).values("member")
            )
        )
        counts = {c: sum(1 for v in votes if v.choice == c) for c in VoteChoice.values}
        if counts[outcome] * 2 <= present:
            label = Outcome(outcome).label
            raise ActionError(
                f"「{label}」に賛成する委員が出席委員の過半数に達していません"
                f"（賛成 {counts['approve']}・反対 {counts['return']}・棄権 {counts['abstain']}／出席 {present}人）"
            )
        steps = committee_steps(procedures_of(m.municipality), acc.status, outcome)
        if not steps:
            raise ActionError(f"この自治体の手続には委員会の「{Outcome(outcome).label}」の手順がありません")
        step = steps[0]
        now = timezone.now()
        decision = Decision.objects.create(
            meeting=m,
            account=acc,
            outcome=outcome,
            reasons=reasons,
            present_count=present,
            quorum_required=m.quorum_required,
            approve_votes=counts["approve"],
            return_votes=counts["return"],
            abstain_votes=counts["abstain"],
            step_id=step.id,
            decided_by=actor,
            decided_at=now,
        )
        do_step(acc, step.id, actor=actor, reasons=reasons, documents=[d.id for d in step.documents])
        decision.applied_at = timezone.now()
        decision.save(update_fields=["applied_at"])
        record_event(
            actor,
            "committee.decide",
            decision,
            {},
            snapshot(
                decision,
                [
                    "meeting",
                    "account",
                    "outcome",
                    "reasons",
                    "present_count",
                    "quorum_required",
                    "approve_votes",
                    "return_votes",
                    "abstain_votes",
                    "step_id",
                ],
            ),
        )
    return decision


def do_close_meeting(actor: Person, meeting: Meeting, *, minutes: str) -> Meeting:
    """Close the meeting with its minutes (議事録); nothing of it changes afterwards."""
    require(
        access.can_keep_meetings(actor, meeting.municipality),
        "議事録を確定できるのは委員会事務局・委員長です",
    )
    minutes = (minutes or "").strip()
    if not minutes:
        raise ActionError("議事録を入力してください")
    with transaction.atomic():
        m = _lock_meeting(meeting)
        if m.status != MeetingStatus.OPEN:
            raise ActionError("この会議は既に終了しています")
        m.minutes, m.status, m.closed_at = minutes, MeetingStatus.CLOSED, timezone.now()
        m.save(update_fields=["minutes", "status", "closed_at"])
        record_event(
            actor,
            "committee.meeting.close",
            m,
            {"status": MeetingStatus.OPEN},
            {"status": m.status, "minutes": minutes},
        )
    return m
