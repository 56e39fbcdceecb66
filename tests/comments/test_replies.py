"""Replies within the reply rules: refusals by reply policy, exceptions, interim replies and their follow-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from koshiki.comments import actions
from koshiki.comments.models import ReplyLink
from koshiki.comments.states import CommentState, DecisionKind, ReplyKind
from koshiki.errors import ActionError
from koshiki.posts import actions as post_actions
from koshiki.posts.models import Draft
from koshiki.posts.states import DraftKind, DraftStatus
from tests.comments.conftest import add_comment
from tests.personas import account_in, make_city

QUESTION = "明日の花火大会は雨でも開催されますか？駐車場はありますか？"
ANSWER = "花火大会は小雨なら開催します。中止の場合は当日15時までに市ホームページでお知らせします。駐車場はありませんので、公共交通機関をご利用ください。"
THANKS = "いつも分かりやすい情報をありがとうございます！"


def _publish(city, draft: Draft, url: str) -> None:  # noqa: ANN001
    post_actions.do_submit(city.people["operator"], draft)
    post_actions.do_approve(city.people["head"], draft)
    post_actions.do_record_publication(city.people["operator"], draft, url=url)


def test_an_account_that_replies_as_needed_drafts_a_reply_through_the_posts_chain(kyoto):
    op = kyoto.people["operator"]
    comment = add_comment(kyoto.account, op, QUESTION, url="https://x.com/minato_taro/status/1801")
    link = actions.do_start_reply(op, comment, kind=ReplyKind.ANSWER, text=ANSWER)
    draft = link.draft
    assert draft.kind == DraftKind.REPLY and draft.account == kyoto.account
    assert draft.in_reply_to == "https://x.com/minato_taro/status/1801"
    assert draft.current_revision.profile_id == "kyoto"  # the same checker ran on it
    comment.refresh_from_db()
    assert comment.state == CommentState.REPLYING
    with pytest.raises(ActionError, match="作成中の同じ種類"):
        actions.do_start_reply(op, comment, kind=ReplyKind.ANSWER, text=ANSWER)
    # Only the account's staff: not another section, not an auditor.
    for key in ("operator_b", "auditor"):
        with pytest.raises(PermissionDenied):
            actions.do_start_reply(kyoto.people[key], comment, kind=ReplyKind.ANSWER, text=ANSWER)


def test_an_account_that_does_not_reply_refuses_reply_drafts_when_the_profile_has_no_exception(db):
    city = make_city("kyoto")
    account = account_in(city, "listed", reply_policy="none")
    comment = add_comment(account, city.people["operator"], QUESTION)
    with pytest.raises(ActionError, match="返信しない"):
        actions.do_start_reply(city.people["operator"], comment, kind=ReplyKind.ANSWER, text=ANSWER)
    with pytest.raises(ActionError, match="返信しない"):
        actions.do_start_reply(
            city.people["operator"], comment, kind=ReplyKind.ANSWER, text=ANSWER, exception_id="correction"
        )
    assert not Draft.objects.filter(account=account).exists()


def test_akitakata_refuses_replies_outside_3_2_a_to_e_and_records_the_exception(db):
    city = make_city("akitakata")
    account = account_in(city, "listed", reply_policy="none")
    op = city.people["operator"]
    comment = add_comment(account, op, THANKS)
    with pytest.raises(ActionError, match="例外"):
        actions.do_start_reply(op, comment, kind=ReplyKind.ANSWER, text="ありがとうございます。")
    with pytest.raises(ActionError, match="定めにありません"):
        actions.do_start_reply(
            op, comment, kind=ReplyKind.ANSWER, text="ありがとうございます。", exception_id="chat"
        )
    link = actions.do_start_reply(
        op,
        comment,
        kind=ReplyKind.ANSWER,
        text="ありがとうございます。これからもご覧ください。",
        exception_id="greeting",
    )
    assert link.exception_id == "greeting" and link.exception_label.startswith("3(2)エ")


def test_a_hidden_comment_gets_no_reply(kyoto):
    op, head = kyoto.people["operator"], kyoto.people["head"]
    comment = add_comment(kyoto.account, op, "副業で月収100万円！詳しくはプロフィールのリンクから登録してね")
    decision = actions.do_moderate(
        op, comment, kind=DecisionKind.HIDE, rule="comment.commercial", reason="営利目的の勧誘のため"
    )
    with pytest.raises(ActionError, match="返信できません"):
        actions.do_start_reply(op, comment, kind=ReplyKind.ANSWER, text=ANSWER)
    actions.do_review_moderation(head, decision, approve=True)
    with pytest.raises(ActionError, match="返信できません"):
        actions.do_start_reply(op, comment, kind=ReplyKind.ANSWER, text=ANSWER)


def test_interim_reply_is_a_template_and_its_follow_up_stays_open_until_the_answer_is_published(kyoto):
    op = kyoto.people["operator"]
    comment = add_comment(kyoto.account, op, QUESTION)
    with pytest.raises(ActionError, match="文例"):
        actions.do_start_reply(op, comment, kind=ReplyKind.INTERIM, text="あとで答えます")
    template = actions.replies.procedures_for(kyoto.account).interim_templates[0]
    interim = actions.do_start_reply(op, comment, kind=ReplyKind.INTERIM, text=template)
    assert interim.answer_due is not None and interim.answer_due > interim.created_at.date()
    # Not yet published: nothing to follow up.
    assert actions.open_follow_ups([comment.pk]) == []
    _publish(kyoto, interim.draft, "https://x.com/test_city_1/status/2001")
    assert [link.pk for link in actions.open_follow_ups([comment.pk])] == [interim.pk]
    with pytest.raises(ActionError, match="一次回答は一度だけ"):
        actions.do_start_reply(op, comment, kind=ReplyKind.INTERIM, text=template)
    answer = actions.do_start_reply(op, comment, kind=ReplyKind.ANSWER, text=ANSWER)
    assert [link.pk for link in actions.open_follow_ups([comment.pk])] == [interim.pk]  # drafted, not out yet
    _publish(kyoto, answer.draft, "https://x.com/test_city_1/status/2002")
    assert actions.open_follow_ups([comment.pk]) == []
    assert answer.draft.__class__.objects.get(pk=answer.draft.pk).status == DraftStatus.PUBLISHED
    assert ReplyLink.objects.filter(comment=comment).count() == 2
