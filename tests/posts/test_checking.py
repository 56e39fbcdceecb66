"""The checker inside posts: every part checked, findings versioned per revision, the account's published
posts as style.repetition's context, and the marked display."""

from __future__ import annotations

import pytest
from django.db import connection

from koshiki.posts import actions
from koshiki.posts.checking import canonical_text, check_parts, checker_version, content_hash, mark_spans
from koshiki.posts.models import ImmutableRevisionError
from tests.personas import WORKDAY_NOON

pytestmark = pytest.mark.django_db

POOL = "市民プールは7月1日にオープンします。ぜひご利用ください！"


def test_alt_texts_and_links_are_checked_and_findings_name_their_part(kyoto):
    draft = actions.do_create_draft(
        kyoto.operator,
        kyoto.account,
        "夏祭りの様子です。",
        ["盆踊りの写真。連絡先は携帯080-9876-5432"],
        ["https://www.city.kyoto.lg.jp/bunshi/page/0000123456.html", "bit.ly/3kyoto"],
    )
    findings = draft.current_revision.findings
    by_part = {(f["part"], f["rule"]) for f in findings}
    assert ("alt:0", "pii.phone") in by_part and ("link:1", "link.shortener") in by_part
    assert not any(f["part"] == "link:0" for f in findings)
    alt = next(f for f in findings if f["part"] == "alt:0")
    assert "盆踊りの写真。連絡先は携帯080-9876-5432"[alt["start"] : alt["end"]] == "080-9876-5432"


def test_promo_rules_apply_to_the_text_only(kyoto):
    findings = check_parts(
        "kyoto", "紅葉がきれいです", ["紅葉の写真"], ["https://example.jp/"], paid_third_party=True
    )
    promo = [f for f in findings if f["rule"].startswith("promo.")]
    assert promo and {f["part"] for f in promo} == {"text"}


def test_repetition_uses_the_accounts_published_posts(make_city):
    city = make_city("komae")
    first = actions.do_create_draft(city.operator, city.account, POOL)
    actions.do_submit(city.operator, first)
    actions.do_approve(city.head, first)
    actions.do_record_publication(
        city.operator, first, url="https://x.com/komae/status/1", published_at=WORKDAY_NOON
    )
    again = actions.do_create_draft(city.operator, city.account, "【再掲】" + POOL)
    assert "style.repetition" in [f["rule"] for f in again.current_revision.findings]
    # Another account's posts are not its context.
    other = actions.do_create_draft(city.other_operator, city.other_account, "【再掲】" + POOL)
    assert "style.repetition" not in [f["rule"] for f in other.current_revision.findings]


def test_a_draft_is_not_compared_with_its_own_publication(make_city):
    city = make_city("komae")
    draft = actions.do_create_draft(city.operator, city.account, POOL)
    actions.do_submit(city.operator, draft)
    actions.do_approve(city.head, draft)
    actions.do_record_publication(
        city.operator, draft, url="https://x.com/komae/status/2", published_at=WORKDAY_NOON
    )
    text, alts, links, findings = actions.check_draft_content(city.account, POOL, [], [], exclude_draft=draft)
    assert "style.repetition" not in [f["rule"] for f in findings]


def test_revision_records_profile_version_and_hashes_and_cannot_change(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, POOL + "\r\n", ["プールの写真"], [])
    revision = draft.current_revision
    assert revision.profile_id == "kyoto" and revision.checker_version == checker_version("kyoto")
    assert revision.sha256 == content_hash(POOL, ["プールの写真"], [])
    assert checker_version("kyoto") != checker_version("ishinomaki")
    revision.text = "書き換え"
    with pytest.raises(ImmutableRevisionError):
        revision.save()
    with pytest.raises(ImmutableRevisionError):
        revision.delete()
    with pytest.raises(ImmutableRevisionError):
        type(revision).objects.filter(pk=revision.pk).update(text="書き換え")


def test_canonical_text_ignores_line_ends_and_outer_blanks():
    assert canonical_text("  お知らせ \r\n本文  \r\n") == canonical_text("お知らせ\n本文")


def test_overlapping_spans_are_marked_once_with_both_numbers():
    findings = [
        {"rule": "a", "severity": "warning", "start": 0, "end": 4, "part": "text", "message": "警告"},
        {"rule": "b", "severity": "error", "start": 2, "end": 6, "part": "text", "message": "<誤り>"},
        {"rule": "c", "severity": "info", "start": 0, "end": 2, "part": "alt:0", "message": "情報"},
    ]
    html = str(mark_spans("あいうえおか<b>", findings))
    assert html == (
        '<mark class="finding warning" data-findings="1" title="1. 警告">あい</mark>'
        '<mark class="finding error" data-findings="1 2" title="1. 警告 / 2. &lt;誤り&gt;">うえ</mark>'
        '<mark class="finding error" data-findings="2" title="2. &lt;誤り&gt;">おか</mark>&lt;b&gt;'
    )


def test_a_revision_checked_under_other_rules_must_be_checked_again(kyoto):
    from koshiki.errors import ActionError
    from koshiki.posts.models import Revision

    draft = actions.do_create_draft(kyoto.operator, kyoto.account, POOL)
    table = Revision._meta.db_table
    with connection.cursor() as cursor:  # what an upgrade of the rules amounts to for an old revision
        cursor.execute(
            f"UPDATE {table} SET checker_version = %s WHERE id = %s", ["0.0.1+old", draft.current_revision_id]
        )
    draft.refresh_from_db()
    with pytest.raises(ActionError, match="チェックの基準（プロファイル）が更新されました"):
        actions.do_submit(kyoto.operator, draft)
    # Saving the same content again re-checks it as a new revision.
    revision = actions.do_edit_draft(kyoto.operator, draft, POOL)
    assert revision.number == 2 and revision.checker_version == checker_version("kyoto")
    actions.do_submit(kyoto.operator, draft)
