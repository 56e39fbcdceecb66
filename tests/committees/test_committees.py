"""Committees that meet (狛江市4(2)ウ, 安芸高田市7(3)): quorum, votes, the chair's decision, minutes."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from koshiki.audit.models import AuditEvent
from koshiki.committees import actions as committee
from koshiki.committees.models import Decision
from koshiki.errors import ActionError
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role
from koshiki.registry import actions
from koshiki.registry.models import Account
from koshiki.registry.states import Status
from tests.personas import account_in, make_city, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def _committee_of_four(city):
    """Two more members: four in all, so 半数以上 means two present."""
    for key in ("member2", "member3"):
        user = make_user(f"{city.profile[:3]}_{key}", family=key)
        do_assign_role(
            user, Role.COMMITTEE_MEMBER, municipality=city.municipality, bootstrap=True, actor=None
        )
        city.people[key] = user


def _meeting(city, present, held_on=None):
    return committee.do_open_meeting(
        city.people["office"],
        city.municipality,
        title="令和8年度 第1回 行政情報化推進委員会",
        held_on=held_on or timezone.localdate(),
        present=[city.people[k] for k in present],
    )


def test_a_decision_without_quorum_is_refused_and_the_application_stays_under_review():
    city = make_city("komae")
    _committee_of_four(city)
    account = account_in(city, "under_review")
    meeting = _meeting(city, ["chair"])
    assert meeting.quorum_required == 2 and meeting.member_count == 4
    committee.do_vote(city.people["chair"], meeting, account, choice="approve")
    with pytest.raises(ActionError, match=r"定足数に達していないため議決できません（出席 1人／定足数 2人"):
        committee.do_decide(city.people["chair"], meeting, account, outcome="approve", reasons="適当と認める")
    assert Account.objects.get(pk=account.pk).status == Status.UNDER_REVIEW
    assert not Decision.objects.exists()


def test_a_single_member_cannot_decide_and_the_majority_of_present_members_is_needed():
    city = make_city("komae")
    _committee_of_four(city)
    account = account_in(city, "under_review")
    # One member alone: the lifecycle step refuses without a meeting decision.
    with pytest.raises(ActionError, match="一人の委員だけでは決められません"):
        actions.do_approve(account, actor=city.people["member"])
    meeting = _meeting(city, ["chair", "member", "member2"])
    with pytest.raises(PermissionDenied):
        committee.do_vote(city.people["member3"], meeting, account, choice="approve")  # absent
    with pytest.raises(PermissionDenied):
        committee.do_decide(
            city.people["member"], meeting, account, outcome="approve", reasons="x"
        )  # not chair
    committee.do_vote(city.people["chair"], meeting, account, choice="approve")
    committee.do_vote(city.people["member"], meeting, account, choice="return", comment="返信方針が曖昧")
    with pytest.raises(ActionError, match="過半数に達していません"):
        committee.do_decide(city.people["chair"], meeting, account, outcome="approve", reasons="適当と認める")
    committee.do_vote(city.people["member2"], meeting, account, choice="approve")
    with pytest.raises(ActionError, match="理由"):
        committee.do_decide(city.people["chair"], meeting, account, outcome="approve", reasons=" ")
    decision = committee.do_decide(
        city.people["chair"],
        meeting,
        account,
        outcome="approve",
        reasons="既存アカウントでは埋もれる子育て情報のため",
    )
    assert (decision.approve_votes, decision.return_votes, decision.present_count) == (2, 1, 3)
    assert decision.applied_at is not None
    assert Account.objects.get(pk=account.pk).status == Status.APPROVED
    with pytest.raises(ActionError, match="審査を待っていません"):
        committee.do_vote(city.people["member"], meeting, account, choice="approve")
    with pytest.raises(ActionError, match="議決の後は出席を変更できません"):
        committee.do_set_attendance(city.people["office"], meeting, [city.people["chair"]])
    event = AuditEvent.objects.get(action="committee.decide")
    assert event.summary["after"]["present_count"] == 3


def test_a_meeting_dated_before_the_submission_cannot_decide_and_future_meetings_are_refused():
    city = make_city("akitakata")
    account = account_in(city, "under_review")
    with pytest.raises(ActionError, match="未来の日付"):
        _meeting(city, ["chair", "member"], held_on=timezone.localdate() + timedelta(days=3))
    early = _meeting(city, ["chair", "member"], held_on=timezone.localdate() - timedelta(days=10))
    committee.do_vote(city.people["chair"], early, account, choice="approve")
    committee.do_vote(city.people["member"], early, account, choice="approve")
    with pytest.raises(ActionError, match="提出日より前"):
        committee.do_decide(city.people["chair"], early, account, outcome="approve", reasons="適当")


def test_the_applicant_does_not_vote_and_minutes_close_the_meeting():
    city = make_city("komae")
    account = account_in(city, "under_review")
    applicant = account.application.applicant
    do_assign_role(
        applicant, Role.COMMITTEE_MEMBER, municipality=city.municipality, bootstrap=True, actor=None
    )
    meeting = _meeting(city, ["chair", "member"])
    committee.do_set_attendance(
        city.people["office"], meeting, [city.people["chair"], city.people["member"], applicant]
    )
    with pytest.raises(ActionError, match="自分が申請した"):
        committee.do_vote(applicant, meeting, account, choice="approve")
    committee.do_vote(city.people["chair"], meeting, account, choice="return")
    committee.do_vote(city.people["member"], meeting, account, choice="return")
    committee.do_decide(
        city.people["chair"],
        meeting,
        account,
        outcome="return",
        reasons="運用ポリシーの返信方針を具体化すること",
    )
    assert Account.objects.get(pk=account.pk).status == Status.RETURNED
    with pytest.raises(ActionError, match="議事録を入力"):
        committee.do_close_meeting(city.people["office"], meeting, minutes="")
    committee.do_close_meeting(
        city.people["office"], meeting, minutes="子育て支援課の申請を審査し、差し戻した。"
    )
    with pytest.raises(ActionError, match="終了した会議"):
        committee.do_vote(city.people["member"], meeting, account, choice="approve")

    client = Client()
    client.force_login(city.people["member"])
    page = client.get(reverse("committees:meeting", args=[meeting.pk])).content.decode()
    assert "議決: 差戻し" in page and "子育て支援課の申請を審査し" in page
    docx = client.get(reverse("committees:minutes", args=[meeting.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert (
        "行政情報化推進委員会 議事録" in text and "議決: 差戻し" in text and "運用ポリシーの返信方針" in text
    )
    outsider = Client()
    outsider.force_login(city.people["head_b"])
    assert outsider.get(reverse("committees:list")).status_code == 403
