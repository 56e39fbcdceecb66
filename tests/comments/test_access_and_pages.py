"""Who may see and moderate which account's comments, and every comment page rendering for its users."""

from __future__ import annotations

import pytest

from koshiki.comments import actions
from koshiki.comments.models import Comment, ModerationDecision
from koshiki.comments.states import DecisionKind
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role
from tests.comments.conftest import add_comment
from tests.personas import account_in

SPAM = "副業で月収100万円！詳しくはプロフのリンクから登録してね"


@pytest.fixture
def two(kyoto):  # noqa: ANN001
    """A comment on section a's account and one on section b's account (its contractor assigned)."""
    other = account_in(kyoto, "listed", unit="b")
    do_assign_role(
        kyoto.people["contractor"],
        Role.CONTRACTOR,
        municipality=kyoto.municipality,
        account=other,
        company="株式会社みなとデジタル",
        bootstrap=True,
        actor=None,
    )
    mine = add_comment(kyoto.account, kyoto.people["operator"], SPAM, author="spam_a")
    theirs = add_comment(
        other, kyoto.people["operator_b"], "動物園の開園時間を教えてください", author="zoo_fan"
    )
    return mine, theirs


def test_unit_scoping_in_the_inbox_and_on_the_comment_page(kyoto, two, client_for):
    mine, theirs = two
    client = client_for(kyoto.people["operator"])
    page = client.get("/comments/").content.decode()
    assert "spam_a" in page and "zoo_fan" not in page
    assert client.get(f"/comments/{theirs.pk}/").status_code == 404
    assert (
        client.post(
            f"/comments/{theirs.pk}/moderate/", {"kind": "no_action", "reason": "対応不要と判断"}
        ).status_code
        == 404
    )


def test_contractors_see_only_their_accounts(kyoto, two, client_for):
    mine, theirs = two
    client = client_for(kyoto.people["contractor"])
    page = client.get("/comments/").content.decode()
    assert "zoo_fan" in page and "spam_a" not in page
    assert client.get(f"/comments/{mine.pk}/").status_code == 404
    assert client.get(f"/comments/{theirs.pk}/").status_code == 200


def test_auditors_read_everything_and_change_nothing(kyoto, two, client_for):
    mine, theirs = two
    client = client_for(kyoto.people["auditor"])
    page = client.get("/comments/").content.decode()
    assert "spam_a" in page and "zoo_fan" in page
    detail = client.get(f"/comments/{mine.pk}/").content.decode()
    assert "閲覧のみ" in detail and "判断を記録する" not in detail
    response = client.post(
        f"/comments/{mine.pk}/moderate/",
        {"kind": "hide", "rule": "comment.commercial", "reason": "営利目的の勧誘のため"},
    )
    assert response.status_code == 403
    assert not ModerationDecision.objects.exists()
    assert client.get("/comments/import/").content.decode().count("取り込めるアカウントがありません") == 1


def test_the_moderation_form_round_trip_with_a_second_person(kyoto, two, client_for):
    mine, _ = two
    op = client_for(kyoto.people["operator"])
    response = op.post(
        f"/comments/{mine.pk}/moderate/",
        {"kind": "hide", "rule": "comment.commercial", "reason": "営利目的の勧誘のため"},
        follow=True,
    )
    assert "別の職員の確認を待っています" in response.content.decode()
    decision = ModerationDecision.objects.get()
    # The decider sees no review form; the section head does, in the inbox and on the page.
    assert "確認を記録する" not in op.get(f"/comments/{mine.pk}/").content.decode()
    assert (
        "チェッカーはこのコメントに"
        not in client_for(kyoto.people["head"]).get(f"/comments/{mine.pk}/").content.decode()
    )
    head = client_for(kyoto.people["head"])
    assert "別の職員の確認を待っている" in head.get("/comments/").content.decode()
    response = head.post(f"/comments/decisions/{decision.pk}/review/", {"approve": "yes"}, follow=True)
    assert "判断を実施しました" in response.content.decode()
    response = head.post(f"/comments/decisions/{decision.pk}/reverse/", {"reason": ""}, follow=True)
    assert "取り消す理由" in response.content.decode()
    response = head.post(
        f"/comments/decisions/{decision.pk}/reverse/", {"reason": "正規の事業者の告知だったため"}, follow=True
    )
    assert "未対応に戻りました" in response.content.decode()


def test_the_reviewer_is_warned_when_the_clause_was_not_found_by_the_checker(kyoto, client_for):
    op = kyoto.people["operator"]
    critic = add_comment(
        kyoto.account,
        op,
        "市長のこの判断は納得できない。税金の無駄遣いだと思う。予算の使い道を見直すべきだ",
        author="critic",
    )
    assert critic.categories == []
    actions.do_moderate(
        op, critic, kind=DecisionKind.HIDE, rule="comment.defamation", reason="市長への中傷と判断した"
    )
    page = client_for(kyoto.people["head"]).get(f"/comments/{critic.pk}/").content.decode()
    assert "チェッカーはこのコメントに「誹謗中傷」の指摘をしていません" in page
    # The basis of the judgement is named in words, not as a profile id and version hash.
    assert "チェックの基準: 京都市ソーシャルメディアガイドラインに基づくチェック" in page
    assert "プロファイル kyoto" not in page


def test_inbox_filters_and_pages(kyoto, client_for):
    op = kyoto.people["operator"]
    for n in range(55):
        add_comment(
            kyoto.account, op, f"図書館の開館時間を教えてください（{n}）", author=f"reader{n}", minutes_ago=n
        )
    add_comment(kyoto.account, op, SPAM, author="spam_z", minutes_ago=100)
    client = client_for(op)
    page1 = client.get("/comments/").content.decode()
    assert "1 / 2 ページ（56件）" in page1
    page2 = client.get("/comments/?page=2").content.decode()
    assert "spam_z" in page2
    only_spam = client.get("/comments/?category=comment.commercial").content.decode()
    assert "spam_z" in only_spam and "reader1" not in only_spam
    hidden = client.get("/comments/?state=hidden").content.decode()
    assert "条件に合うコメントはありません" in hidden
    dated = client.get("/comments/?date_from=2000-01-01&date_to=2000-01-31").content.decode()
    assert "条件に合うコメントはありません" in dated
    assert Comment.objects.count() == 56


def test_every_page_renders_for_the_operator(kyoto, two, client_for):
    mine, _ = two
    client = client_for(kyoto.people["operator"])
    for url in (
        "/comments/",
        "/comments/import/",
        f"/comments/{mine.pk}/",
        f"/comments/account/{kyoto.account.pk}/follows/",
        f"/comments/account/{kyoto.account.pk}/transparency/",
        f"/accounts/{kyoto.account.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    actions.do_moderate(
        kyoto.people["operator"], mine, kind=DecisionKind.NO_ACTION, reason="広告だが既に削除済み"
    )
    assert "対応不要" in client.get(f"/comments/{mine.pk}/").content.decode()


def test_the_home_page_tells_staff_what_waits_in_comments(kyoto, two, client_for):
    mine, _ = two
    actions.do_moderate(
        kyoto.people["operator"],
        mine,
        kind=DecisionKind.HIDE,
        rule="comment.commercial",
        reason="営利目的の勧誘のため",
    )
    head_home = client_for(kyoto.people["head"]).get("/").content.decode()
    assert "あなたの確認を待っている非表示・削除 1件" in head_home
    assert (
        "あなたの確認を待っている非表示・削除"
        not in client_for(kyoto.people["operator"]).get("/").content.decode()
    )
    assert "コメントで対応が必要なもの" not in client_for(kyoto.people["auditor"]).get("/").content.decode()
