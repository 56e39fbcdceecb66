"""CSV imports (generic and LINE), broken rows refused whole with a Japanese error per row, duplicates, the paste form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from koshiki.checker.comments import check_comment
from koshiki.comments import actions
from koshiki.comments.importers import ImportError_, read_csv
from koshiki.comments.models import Comment
from koshiki.comments.states import Source
from koshiki.posts import actions as post_actions

GOOD = """author,text,posted_at,url,id,in_reply_to
minato_hanako,燃えないごみの収集日は祝日でも変わりませんか？,2025-06-10 09:15,https://x.com/minato_hanako/status/101,101,https://x.com/test_city_1/status/9001
@kita_jiro,市長の方針には反対です。説明会をもっと開くべきだと思います。,2025-06-10T10:00:00+09:00,,102,
spam_shop,副業で月収100万円！詳しくはプロフのリンクから,2025/06/10 11:30,,103,
"""

BROKEN = """author,text,posted_at,url,id
minato_hanako,ごみの収集日を教えてください,2025-06-10 09:15,,201
,投稿者のない行,2025-06-10 09:20,,202
kita_jiro,,2025-06-10 09:25,,203
nishi_ken,日付が読めない行,2025年13月40日,,204
higashi,URLが壊れている行,2025-06-10 09:30,ftp://example.com/x,205
minami,"カンマが, 余分な行",2025-06-10 09:40,,206,extra
"""

LINE = """送信者タイプ,送信者名,送信日,送信時刻,内容
User,みなと花子,2025/06/10,09:15,図書館の休館日を教えてください
Account,みなと市広報課,2025/06/10,09:20,月曜日が休館日です
User,北区の住民,2025/06/10,09:30,ありがとうございました
"""


def test_generic_csv_rows_are_read_with_japanese_time_and_handles_without_at(when):
    fmt, rows, skipped = read_csv(GOOD.encode("utf-8"), when)
    assert fmt == "generic" and skipped == 0
    assert [r.author for r in rows] == ["minato_hanako", "kita_jiro", "spam_shop"]
    assert rows[0].posted_at.utcoffset() == timedelta(hours=9)
    assert rows[0].external_id == "101" and rows[0].in_reply_to.endswith("/9001")


def test_shift_jis_and_bom_files_are_read(when):
    assert read_csv(GOOD.encode("cp932"), when)[1][0].text.startswith("燃えないごみ")
    assert read_csv(b"\xef\xbb\xbf" + GOOD.encode("utf-8"), when)[1][0].author == "minato_hanako"


def test_every_broken_row_is_named_in_japanese(when):
    with pytest.raises(ImportError_) as info:
        read_csv(BROKEN.encode("utf-8"), when)
    errors = info.value.errors
    assert errors == [
        "3行目: 投稿者がありません",
        "4行目: 本文がありません",
        "5行目: 投稿日時「2025年13月40日」を読めません（例: 2025-04-01 09:30 または 2025-04-01T09:30:00+09:00）",
        "6行目: コメントのURL「ftp://example.com/x」が正しくありません（http:// か https:// で始まるURL）",
        '7行目: 列の数が見出しより多くなっています（本文の , は " で囲んでください）',
    ]


def test_missing_columns_future_times_and_empty_files_are_refused(when):
    with pytest.raises(ImportError_, match="必要な列がありません"):
        read_csv(b"name,body\na,b\n", when)
    future = (when + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(ImportError_, match="未来の日時"):
        read_csv(f"author,text,posted_at\na,未来のコメント,{future}\n".encode(), when)
    with pytest.raises(ImportError_, match="空"):
        read_csv(b"", when)


def test_line_chat_history_skips_the_accounts_own_messages(when):
    fmt, rows, skipped = read_csv(LINE.encode("utf-8"), when)
    assert fmt == "line" and skipped == 1
    assert [r.author for r in rows] == ["みなと花子", "北区の住民"]


def test_import_stores_classifies_matches_the_post_and_recognises_duplicates(kyoto, when):
    op = kyoto.people["operator"]
    draft = post_actions.do_create_draft(op, kyoto.account, "6月の燃えないごみの収集日をお知らせします。")
    post_actions.do_submit(op, draft)
    post_actions.do_approve(kyoto.people["head"], draft)
    publication = post_actions.do_record_publication(op, draft, url="https://x.com/test_city_1/status/9001")
    _fmt, rows, _ = read_csv(GOOD.encode("utf-8"), when)
    result = actions.do_import_comments(op, kyoto.account, rows, source=Source.CSV, source_format="generic")
    assert len(result.created) == 3 and result.duplicates == 0
    first, critic, spam = sorted(result.created, key=lambda c: c.external_id)
    assert first.publication == publication
    # What is stored is the checker's own answer under the account's reply policy (no second classifier).
    expected = check_comment(
        first.text, "kyoto", {"reply_policy": "as_needed", "post_text": publication.recorded_text}
    )
    assert first.suggested_action == expected.action and first.reply_policy == "as_needed"
    assert critic.categories == []  # harsh but civil criticism of city policy is never a finding
    assert "comment.commercial" in spam.categories and spam.findings[0]["policy"]["ref"] == "注意事項(5)"
    assert spam.profile_id == "kyoto" and spam.checker_version
    again = actions.do_import_comments(op, kyoto.account, rows, source=Source.CSV, source_format="generic")
    assert again.created == [] and again.duplicates == 3
    assert Comment.objects.filter(account=kyoto.account).count() == 3


def test_a_comment_cites_the_policy_version_in_force_when_it_was_posted(kyoto):
    from koshiki.registry import actions as registry_actions
    from tests.comments.conftest import add_comment

    op = kyoto.people["operator"]
    earlier = add_comment(kyoto.account, op, "副業で月収100万円！詳しくはプロフのリンクから", author="a")
    registry_actions.do_revise_policy(
        kyoto.account,
        values={
            "notes": "次の投稿は削除します。\n(5) 広告・宣伝・勧誘など営利を目的とする投稿（第2版の文言）"
        },
        reason="注意事項の改訂",
        actor=op,
        documents=["policy"],
    )
    later = add_comment(kyoto.account, op, "副業で月収100万円！詳しくはプロフのリンクから", author="b")
    assert earlier.policy_version == 1 and later.policy_version == 2
    assert earlier.findings[0]["policy"]["version"] == 1 and later.findings[0]["policy"]["version"] == 2
    # Each cites the clause as that version of the account's own policy words it.
    assert later.findings[0]["policy"] == {
        "ref": "注意事項(5)",
        "title": "広告・宣伝・勧誘など営利を目的とする投稿（第2版の文言）",
        "version": 2,
    }
    assert earlier.findings[0]["policy"]["title"] != later.findings[0]["policy"]["title"]


def test_the_import_page_refuses_a_file_with_broken_rows_whole(kyoto, client_for):
    client = client_for(kyoto.people["operator"])
    upload = SimpleUploadedFile("comments.csv", BROKEN.encode("utf-8"), content_type="text/csv")
    response = client.post("/comments/import/", {"account": kyoto.account.pk, "file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "1件も取り込んでいません" in body and "3行目: 投稿者がありません" in body
    assert not Comment.objects.exists()
    upload = SimpleUploadedFile("comments.csv", GOOD.encode("utf-8"), content_type="text/csv")
    response = client.post("/comments/import/", {"account": kyoto.account.pk, "file": upload}, follow=True)
    assert "3件を取り込みました" in response.content.decode()
    assert Comment.objects.filter(account=kyoto.account, source=Source.CSV).count() == 3


def test_paste_form_imports_one_comment(kyoto, client_for):
    client = client_for(kyoto.people["operator"])
    posted = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    response = client.post(
        "/comments/import/",
        {
            "account": kyoto.account.pk,
            "author": "@minato_taro",
            "text": "防災マップはどこで受け取れますか",
            "posted_at": posted,
        },
        follow=True,
    )
    assert "1件を取り込みました" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.author_handle == "minato_taro" and comment.source == Source.PASTE
    # The other section's operator handles no account here: refused, nothing stored.
    other = client_for(kyoto.people["operator_b"])
    response = other.post(
        "/comments/import/",
        {"account": kyoto.account.pk, "author": "x", "text": "テスト", "posted_at": posted},
    )
    assert response.status_code == 403 and Comment.objects.count() == 1
