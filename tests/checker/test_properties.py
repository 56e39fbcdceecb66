"""Properties of ``check()`` on any input: it never raises, spans stay inside the text,
findings are sorted and survive a JSON round trip."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koshiki.checker import check
from koshiki.checker.context import AUTHOR_KINDS
from koshiki.checker.findings import Finding
from koshiki.checker.profiles import available

PROFILES = ("kyoto", "komae", "ishinomaki", "akitakata", "kawasaki", "standard")
FINDING_KEYS = {"rule", "severity", "start", "end", "message", "clause", "suggestion"}

# Pieces that exercise the rules' trigger paths and the normaliser's hard cases.
_PIECES = st.sampled_from(
    [
        "090-1234-5678",
        "０９０−１２３４−５６７８",
        "+81 90 1234 5678",
        "075-222-3111",
        "#7119",
        "〒604-8571",
        "京都市中京区寺町通御池上る上本能寺前町488番地",
        "1-2-3",
        "山田太郎さん",
        "さん宅",
        "tanaka@gmail.com",
        "info(at)example.com",
        "＠",
        "1234 5678 9018",
        "マイナンバー",
        "個人番号",
        "https://bit.ly/abc",
        # issue 13: security, whereabouts, names after labels and in lists, look-alike hosts
        "パスワードは ",
        "koho2025!",
        "192.168.10.24",
        "\\\\fs01\\共有",
        "通用口の暗証番号は4721",
        "公表前ですが",
        "脆弱性",
        "近所のおばあちゃん",
        "毎朝",
        "公園",
        "にいます",
        "氏名：",
        "担当：",
        "伊藤ひなた",
        "、",
        "https://kyoto-city-info.com/",
        "mangaraw.to",
        "090-0000-1234",
        "bit.ly/x",
        "http://192.0.2.1/",
        "https://www.city.kyoto.lg.jp/a",
        "xn--80ak6aa92e.com",
        "http://",
        "https://",
        "#PR",
        "＃ＰＲ",
        "#京都市",
        "#石巻市",
        "#京都市PR",
        "#PR#京都市",
        "【PR】",
        "○○",
        "〇〇課",
        "××",
        "＊＊",
        "■■",
        "△△",
        "検討中の素案",
        "部外秘",
        "ここだけの話",
        "らしい",
        "拡散希望",
        "噂では",
        "不法投棄は犯罪です",
        "乳がん検診",
        "位置情報",
        "候補に投票",
        "おすすめは",
        "だけ",
        "ｶﾞｲﾄﾞ",
        "e\u0301",
        "㍻",
        "👩🏽\u200d💻",
        "🇯🇵",
        "\u200d",
        "\ufe0f",
        "\r\n",
        "\r",
        "\n",
        "\t",
        "\x00",
        "\x7f",
        "\u2028",
        "\u202e",
        "\ufeff",
        "〜",
        "−",
        "ｰ",
        "ﾟ",
        "\u3099",
        "\U0001f600",
        "\U000e0001",
        "\uffff",
        "\U0010ffff",
    ]
)
_ANY_CHARS = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
_TEXTS = st.one_of(
    _ANY_CHARS,
    st.lists(st.one_of(_PIECES, _ANY_CHARS, st.text(max_size=6)), max_size=25).map("".join),
)
_CONTEXTS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "paid_third_party": st.booleans(),
            "author_kind": st.sampled_from(AUTHOR_KINDS),
            "recent_posts": st.lists(_TEXTS, max_size=3),
            "public_contacts": st.lists(
                st.sampled_from(["090-1234-5678", "075-222-3111", "a@b.jp", ""]), max_size=3
            ),
            "posted_at": st.sampled_from(["2025-04-01T09:00:00+09:00", "2025-12-31T23:59:59"]),
        },
    ),
)


def assert_well_formed(text: str, findings: list[Finding]) -> None:
    """Spans inside the text, findings sorted, JSON round trip keeps everything."""
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text), (f.rule, f.start, f.end, len(text))
        assert f.message and "\n" not in f.message, f.rule
    keys = [(f.start, f.end, f.severity.rank, f.rule) for f in findings]
    assert keys == sorted(keys)
    dicts = [f.as_dict() for f in findings]
    assert json.loads(json.dumps(dicts, ensure_ascii=False)) == dicts
    for d in dicts:
        assert set(d) == FINDING_KEYS
        assert set(d["clause"]) == {"profile", "ref", "title"}


def test_all_six_profiles_exist() -> None:
    assert set(PROFILES) <= set(available())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, profile=st.sampled_from(PROFILES), context=_CONTEXTS)
def test_check_never_raises_and_findings_are_well_formed(
    text: str, profile: str, context: dict | None
) -> None:
    assert_well_formed(text, check(text, profile, context))


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "text",
    ["", " ", "\n", "\r\n\r\n", "🎉", "👩🏽\u200d💻🇯🇵👍🏿", "🍁" * 500, "#", "＃", "http://", "〒", "○"],
    ids=[
        "empty",
        "space",
        "lf",
        "crlf",
        "emoji",
        "zwj",
        "emoji-run",
        "hash",
        "fw-hash",
        "scheme",
        "postal",
        "circle",
    ],
)
def test_degenerate_texts(text: str, profile: str) -> None:
    for context in (None, {"paid_third_party": True, "recent_posts": [text, ""]}):
        assert_well_formed(text, check(text, profile, context))


def _big_post() -> str:
    """About 100 KB of realistic post text with violations all over it."""
    block = (
        "【お知らせ】市民まつりのボランティアを募集します🎪\r\n"
        "担当：090-1234-5678（山田太郎さん）／tanaka@gmail.com\r\n"
        "詳しくは https://bit.ly/abc または https://www.city.kyoto.lg.jp/page/1.html へ。\n"
        "⟨○○課⟩ 検討中の素案ですが、噂では中止になるらしい。拡散希望！ ｶﾞｲﾄﾞ e\u0301 ㍻ "
        "#京都市 #PR #紅葉 ＃ＰＲ＃京都市 〒604-8571 京都市中京区寺町通御池上る上本能寺前町488番地\n"
    )
    text = ""
    while len(text.encode("utf-8")) < 100_000:
        text += block
    return text


@pytest.mark.parametrize("profile", ["standard", "kyoto"])
def test_a_100kb_post_is_checked_within_a_few_seconds(profile: str) -> None:
    text = _big_post()
    context = {"paid_third_party": True, "recent_posts": [text[:5000]]}
    check("warm-up", profile)
    started = time.perf_counter()
    findings = check(text, profile, context)
    elapsed = time.perf_counter() - started
    assert_well_formed(text, findings)
    assert findings, "a 100 KB post full of violations must produce findings"
    assert elapsed < 5.0, f"{elapsed:.1f} s for a 100 KB post"


def test_a_100kb_random_post_never_raises() -> None:
    import random

    rng = random.Random(1)
    alphabet = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000] + list("\r\n〜ｶﾞ👍🏽\u200d")
    text = "".join(rng.choice(alphabet) for _ in range(40_000))
    started = time.perf_counter()
    assert_well_formed(text, check(text, "standard", {"paid_third_party": True}))
    assert time.perf_counter() - started < 5.0
