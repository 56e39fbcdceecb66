"""harm.rumor: a post that names a rumour to deny it is a correction, not a rumour.

RULES.md: warnings against rumours and their corrections are not a finding. The
cases came from the rule's false findings on the training writers' posts.
"""

from __future__ import annotations

import pytest

from tests.checker.fixtures import rule_spans


@pytest.mark.parametrize(
    "text",
    [
        "「駐車場が有料化されるらしい」とのご質問が多く寄せられています。現時点で有料化の予定はありません。",
        "「体育館の避難所が閉鎖された」といううわさについて：当館の避難所は現在も開設中です。",
        "「浄水場が停止したらしい」という問い合わせを多数いただいていますが、浄水場は通常どおり運転しています。",
        "地震のあと「明日から全域断水になる」といううわさが出回っています。局ではそのような決定はしていません。",
        "【お知らせ】「水道水が飲めなくなる」という噂について\n市の水質検査の結果、基準値を超える項目はありませんでした。",
        "「ダムが決壊する」などの未確認の情報が出回っていますが、気象台と市の発表をご確認ください。",
        "大雨警報が発表されています。噂ではなく、気象庁の情報をもとに行動してください☔",
        "なお「明日も休館らしい」との情報が出回っていますが、明日の開館可否は本日18時に当アカウントでお知らせします。",
    ],
)
def test_a_rumour_named_to_deny_it_is_no_finding(text):
    assert rule_spans(text, "harm.rumor") == []


@pytest.mark.parametrize(
    "text",
    [
        # told as news, with no denial anywhere
        "【拡散希望】会場の屋台で食中毒が出たらしい！未確認ですが念のため食べないで！",
        "北部循環線、来年度で廃止になるという噂が出回っています。住民の方の話では、もう決まっているそうです。",
        # quoted, but passed on rather than denied
        "「明日は断水するらしい」って近所の人が言ってました。念のためお水を買っておきましょう！",
    ],
)
def test_a_rumour_told_or_passed_on_is_still_found(text):
    assert rule_spans(text, "harm.rumor") != []
