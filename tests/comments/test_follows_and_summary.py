"""Follow records checked against the profile's follow policy; the monthly transparency summary on the public page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from koshiki.comments import actions
from koshiki.comments.models import FollowRecord, ModerationDecision, TransparencySummary
from koshiki.comments.states import DecisionKind, FollowKind
from koshiki.errors import ActionError
from tests.comments.conftest import add_comment
from tests.personas import account_in, make_city

SPAM = "副業で月収100万円！詳しくはプロフのリンクから登録してね"


def _follow(actor, account, **kw):  # noqa: ANN001, ANN003
    values = {
        "handle": "@komae_bousai",
        "name": "狛江市防災",
        "kind": FollowKind.CITY_ACCOUNT,
        "reason": "災害時の情報を市民に届けるため",
        "no_prohibited_content": True,
    }
    values.update(kw)
    return actions.do_register_follow(actor, account, **values)


def test_komae_follows_only_official_accounts_and_only_by_the_section_head(db):
    city = make_city("komae")
    account = account_in(city, "listed")
    account_in(city, "listed", unit="b", handle="komae_bousai")
    with pytest.raises(PermissionDenied, match="所属長"):
        _follow(city.people["operator"], account)
    head = city.people["head"]
    with pytest.raises(ActionError, match="第6条\\(1\\)"):
        _follow(head, account, handle="komae_ramen", name="狛江ラーメン店", kind=FollowKind.OTHER)
    with pytest.raises(ActionError, match="確認してください"):
        _follow(head, account, no_prohibited_content=False)
    record = _follow(head, account)
    assert record.target_handle == "komae_bousai"
    with pytest.raises(ActionError, match="既にフォロー"):
        _follow(head, account, handle="KOMAE_BOUSAI")
    actions.do_end_follow(city.people["operator"], record, reason="アカウントが廃止されたため")
    with pytest.raises(ActionError, match="既に解除"):
        actions.do_end_follow(head, record, reason="二度目の解除")
    assert _follow(head, account).pk != record.pk  # after the end, it may be followed again


def test_ishinomaki_allows_related_bodies_but_not_private_accounts(db):
    city = make_city("ishinomaki")
    account = account_in(city, "listed")
    op = city.people["operator"]
    assert _follow(op, account, handle="ishinomaki_kanko", name="石巻観光協会", kind=FollowKind.RELATED_BODY)
    with pytest.raises(ActionError, match="3\\(3\\)イ"):
        _follow(op, account, handle="someone", name="個人", kind=FollowKind.OTHER)


def test_a_city_account_must_be_in_the_registry(kyoto):
    with pytest.raises(ActionError, match="市の公式アカウントとして登録されていません"):
        _follow(kyoto.people["operator"], kyoto.account, handle="fake_city_koho", name="偽の市広報")
    with pytest.raises(ActionError, match="登録されていません"):
        # An account cannot declare itself as the city account it follows.
        _follow(kyoto.people["operator"], kyoto.account, handle=kyoto.account.handle, name="自分")


def test_an_account_whose_comments_were_hidden_cannot_be_followed(kyoto):
    op, head = kyoto.people["operator"], kyoto.people["head"]
    comment = add_comment(kyoto.account, op, SPAM, author="side_job_jp")
    decision = actions.do_moderate(
        op, comment, kind=DecisionKind.HIDE, rule="comment.commercial", reason="営利目的の勧誘のため"
    )
    actions.do_review_moderation(head, decision, approve=True)
    with pytest.raises(ActionError, match="注意事項\\(5\\)"):
        _follow(op, kyoto.account, handle="@Side_Job_JP", name="副業情報", kind=FollowKind.OTHER)
    assert not FollowRecord.objects.exists()


def test_the_monthly_summary_counts_per_clause_publishes_once_and_shows_on_the_public_page(kyoto):
    op, head = kyoto.people["operator"], kyoto.people["head"]
    hidden = []
    for n in range(3):
        c = add_comment(kyoto.account, op, SPAM, author=f"spam{n}")
        d = actions.do_moderate(
            op, c, kind=DecisionKind.HIDE, rule="comment.commercial", reason="営利目的の勧誘のため"
        )
        actions.do_review_moderation(head, d, approve=True)
        hidden.append(d)
    actions.do_reverse_moderation(head, hidden[2], reason="市の協賛事業の告知だったため")
    # Move the decisions into last month (the month must have ended to be published).
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)
    ModerationDecision.objects.update(
        decided_at=timezone.now().replace(year=last_month.year, month=last_month.month, day=15)
    )
    with pytest.raises(ActionError, match="終わった月"):
        actions.do_publish_summary(head, kyoto.account, month=timezone.localdate())
    with pytest.raises(PermissionDenied):
        actions.do_publish_summary(op, kyoto.account, month=last_month)
    summary = actions.do_publish_summary(head, kyoto.account, month=last_month)
    assert summary.hidden == 2 and summary.deleted == 0 and summary.reversed_count == 1
    assert summary.rows == [
        {
            "ref": "注意事項(5)",
            "title": "広告、宣伝、勧誘、営業活動、その他営利を目的とするもの",
            "hidden": 2,
            "deleted": 0,
        }
    ]
    with pytest.raises(ActionError, match="公表済み"):
        actions.do_publish_summary(head, kyoto.account, month=last_month)
    page = Client().get(f"/public/accounts/{kyoto.account.pk}/").content.decode()
    assert "コメントへの対応（月ごとの公表）" in page and "注意事項(5)" in page and "2件" in page
    assert "spam0" not in page and SPAM not in page
    assert TransparencySummary.objects.count() == 1
