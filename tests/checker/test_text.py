"""Text normalisation: the normalised copy and its offset map back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koshiki.checker.text import _SEGMENT, PLAIN_CLASS, Text, _fold, sentence_bounds


def original_of(text: Text, start: int, end: int) -> str:
    """The original substring a normalised span maps to."""
    a, b = text.to_original(start, end)
    return text.original[a:b]


def test_full_width_digits_fold_one_to_one() -> None:
    t = Text("担当：０９０−１２３４−５６７８")
    assert t.norm == "担当:090-1234-5678"
    start = t.norm.index("090")
    assert original_of(t, start, len(t.norm)) == "０９０−１２３４−５６７８"


def test_half_width_voiced_kana_maps_to_both_code_points() -> None:
    t = Text("ｶﾞｲﾄﾞﾌﾞｯｸ")
    assert t.norm == "ガイドブック"
    assert t.to_original(0, 1) == (0, 2)  # ガ <- ｶﾞ
    assert original_of(t, 2, 3) == "ﾄﾞ"
    assert original_of(t, 0, len(t.norm)) == "ｶﾞｲﾄﾞﾌﾞｯｸ"


def test_crlf_becomes_one_line_break() -> None:
    t = Text("申込み\r\n090-1234-5678\r\n")
    assert t.norm == "申込み\n090-1234-5678\n"
    start = t.norm.index("090")
    assert t.to_original(start, start + 13) == (5, 18)
    assert original_of(t, 3, 4) == "\r\n"


def test_lone_carriage_return_is_a_line_break() -> None:
    t = Text("a\rb")
    assert t.norm == "a\nb"
    assert t.to_original(2, 3) == (2, 3)


def test_emoji_with_zwj_and_skin_tone_keeps_offsets_after_it() -> None:
    emoji = "👩🏽\u200d💻"
    t = Text(f"{emoji}ＰＲ {emoji}bit.ly")
    assert t.norm == f"{emoji}pr {emoji}bit.ly"
    start = t.norm.index("bit.ly")
    assert original_of(t, start, start + 6) == "bit.ly"
    start = t.norm.index("pr")
    assert original_of(t, start, start + 2) == "ＰＲ"


def test_combining_acute_is_composed_and_maps_to_both_code_points() -> None:
    t = Text("cafe\u0301で会議")
    assert t.norm == "caf\u00e9で会議"
    assert t.to_original(3, 4) == (3, 5)  # é <- e + U+0301
    assert original_of(t, 4, 6) == "で会"


def test_era_ligature_expands_and_both_halves_map_to_it() -> None:
    t = Text("㍻31年")
    assert t.norm == "平成31年"
    assert t.to_original(0, 1) == (0, 1)
    assert t.to_original(1, 2) == (0, 1)
    assert t.to_original(0, 2) == (0, 1)
    assert original_of(t, 2, 4) == "31"


def test_wave_dash_and_minus_fold_to_ascii() -> None:
    t = Text("９時〜１７時　０７５−２２２")
    assert t.norm == "9時~17時 075-222"


def test_ascii_is_lower_cased_on_the_fast_path() -> None:
    t = Text("Bit.LY/ABC")
    assert t.norm == "bit.ly/abc"
    assert t.to_original(0, 10) == (0, 10)


def test_empty_text_and_empty_spans() -> None:
    t = Text("")
    assert t.norm == ""
    assert t.to_original(0, 0) == (0, 0)
    t = Text("ｶﾞ!")
    assert t.to_original(1, 1) == (2, 2)
    assert t.to_original(2, 2) == (3, 3)


@pytest.mark.parametrize("start,end", [(-5, 2), (0, 99), (3, 1), (99, 120)])
def test_out_of_range_spans_are_clamped(start: int, end: int) -> None:
    t = Text("ＡＢＣ\r\nｶﾞ")
    a, b = t.to_original(start, end)
    assert 0 <= a <= b <= len(t.original)


def test_line_col_of_original_offsets() -> None:
    t = Text("一行目\r\n二行目 090-1234-5678")
    assert t.line_col(0) == (1, 0)
    assert t.line_col(t.original.index("090")) == (2, 4)


_TRICKY = st.sampled_from(
    [
        "ｶﾞ",
        "ﾊﾟ",
        "ﾞ",
        "e\u0301",
        "\u0301",
        "㍻",
        "㌔",
        "ﬁ",
        "①",
        "Ⅻ",
        "\r\n",
        "\r",
        "\n",
        "👩🏽\u200d💻",
        "🇯🇵",
        "️",
        "\ufe0f",
        "〜",
        "−",
        "ｰ",
        "İ",
        "ß",
        "Σ",
        "０",
        "ａ",
        "＠",
        "\t",
        "\x00",
        "\u2028",
        "\u200b",
        "가",
        "\u1100\u1161",
        "ﾟ",
        "\U0001f600",
    ]
)
_TEXTS = st.lists(st.one_of(_TRICKY, st.text(max_size=5)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_every_normalised_index_maps_to_a_non_empty_monotone_original_span(s: str) -> None:
    t = Text(s)
    prev_start = prev_end = 0
    for i in range(len(t.norm)):
        a, b = t.to_original(i, i + 1)
        assert 0 <= a < b <= len(s), (i, a, b)
        assert a >= prev_start and b >= prev_end, (i, a, b, prev_start, prev_end)
        prev_start, prev_end = a, b
    if t.norm:
        # The whole normalised text maps back to the whole original.
        a, b = t.to_original(0, len(t.norm))
        assert a == 0 and b == len(s)


@settings(max_examples=200, deadline=None)
@given(_TEXTS, st.integers(-3, 60), st.integers(-3, 60))
def test_any_span_maps_inside_the_original(s: str, start: int, end: int) -> None:
    a, b = Text(s).to_original(start, end)
    assert 0 <= a <= b <= len(s)


def test_plain_characters_fold_to_themselves() -> None:
    """Text skips the characters of PLAIN_CLASS when it collects what to fold."""
    chars: list[str] = []
    i = 0
    while i < len(PLAIN_CLASS):
        if i + 2 < len(PLAIN_CLASS) and PLAIN_CLASS[i + 1] == "-":
            chars += [chr(c) for c in range(ord(PLAIN_CLASS[i]), ord(PLAIN_CLASS[i + 2]) + 1)]
            i += 3
        else:
            chars.append(PLAIN_CLASS[i])
            i += 1
    assert len(chars) > 20000
    assert [c for c in chars if _fold(c) != c] == []


@given(st.text(alphabet="ａＡaｶﾞ\u3099\r\n…〜－ー\u0301e😀İΣσ①ﾟ漢字かなカナ、。「」 ", max_size=40))
@settings(max_examples=300, deadline=None)
def test_normalisation_equals_folding_each_segment(s: str) -> None:
    """The fast paths give exactly the per-segment fold of the whole text."""
    t = Text(s)
    assert t.norm == "".join(_fold(m.group()) for m in _SEGMENT.finditer(s))


def test_sentence_bounds_stop_at_ends_and_reach() -> None:
    norm = "前の文。本文の中の語!次\n行"
    a = norm.index("中")
    assert norm[slice(*sentence_bounds(norm, a, a + 1))] == "本文の中の語"
    assert sentence_bounds("x" * 500, 250, 251, reach=10) == (240, 261)
    assert sentence_bounds("", 0, 0) == (0, 0)


def test_line_tokens_equal_the_whole_texts_tokens() -> None:
    """Tokenising one line (with its line breaks as context) gives the same morphemes."""
    norm = Text(
        "北上川河口のヨシ原が見事でした。\n本庁舎はイオン石巻店から徒歩3分です。\n\n区役所の窓口\n"
    ).norm
    whole = Text(norm)
    lines = Text(norm)
    for pos in (0, norm.index("本"), norm.index("区")):
        line = lines.line_of(pos).items
        assert line
        a, b = line[0].start, line[-1].end
        expected = [(t.start, t.end, t.pos) for t in whole.tokens.items if a <= t.start and t.end <= b]
        assert [(t.start, t.end, t.pos) for t in line] == expected
    assert "tokens" not in lines.__dict__  # only lines were tokenised
    assert lines.is_word(norm.index("本庁舎"), norm.index("本庁舎") + 3) == whole.tokens.is_word(
        norm.index("本庁舎"), norm.index("本庁舎") + 3
    )
