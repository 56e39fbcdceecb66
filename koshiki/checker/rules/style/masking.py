"""伏せ字（○○・××・＊＊・■■ など）や置き換え忘れのテンプレート記号を検出する。

## 何を検出するか
語の代わりに置かれた記号の連なり（伏せ字）と、下書きのひな形に残った
置き換え忘れの記号を検出します。

- 同じ種類の記号が2つ以上続き、語に付いているもの: 「○○議員」「××さん」
  「＊＊小学校」「■■地区」「△△公園」「XX社」「〇〇課からのお知らせ」。
  ○（U+25CB）・〇（U+3007、漢数字のゼロ）・◯（U+25EF）はNFKC正規化でも
  統一されないため、すべて同じ「丸」として扱います。
- 1つだけでも、ひな形の穴埋めと分かるもの: 「○月○日（○）」「第○回」
  「参加費○円」「○時から」など、数を表す語（月・日・時・円・回・名…）の前の
  記号と、括弧の中の1字（「（○）」）。

次のものは伏せ字ではないので検出しません。

- 行頭の記号や、前後が空白の見出し記号（「○ 日時」「■ 申込方法」）。
- 行の両端を同じ記号で囲んだ飾り（「◇◇ 今週の新着図書 ◇◇」）、記号だけの区切り線。
- 「◎」「☆」「★」「※」など、伏せ字に使われない記号。
- 掛け算・対戦の「×」（「3×4」「京都×奈良」）、「○×クイズ」、「○をつけてください」。
- 漢数字の〇（「二〇二五年」「一〇〇周年」「〇歳児」）。
- 穴埋めクイズの空欄（「□□に入る言葉は？」）と URL の中の文字。

## なぜ問題か
伏せ字は「誰のこと？」「何を隠している？」という要らぬ詮索を招き、誤解の
もとになります（狛江市4(4)イ「伏せ字を使う等要らぬ詮索を招くような記述も避ける
こと」。同ガイドラインの用語11では、伏せ字を「明記を避けるために、その部分を
空白にしたり、○や×で表したりすること」と定義しています）。ひな形の「〇〇課」が
残ったまま公開されると、発信者も内容も不正確な投稿になります。

## 例
- NG: 「本日、○○議員が視察に来られました。」
- NG: 「日時：○月○日（○）14時から」（ひな形の置き換え忘れ）
- OK: 「○ 日時：7月1日（火）10時から」（行頭の箇条書きの記号）
- OK: 「二〇二五年の新春を迎えました」（漢数字のゼロ）
- OK: 「京都×奈良 周遊スタンプラリー」（「×」は組み合わせを表す記号）

## 代わりに
明記してよい名称はそのまま書き、明記できないものは「ある議員」「関係者」の
ように伏せ字を使わない表現に改めます。ひな形の記号は正しい日付・名称・金額に
置き換えてから公開します。

## 参考
- 狛江市ソーシャルメディアの利用に関する指針 4(4)イ、用語11（伏せ字）
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.text import Text
from koshiki.checker.urls import find_urls

# Mark classes: marks of one class form one run (○〇◯ are all "circles").
_CLASSES = {
    "○": "circle", "〇": "circle", "◯": "circle", "●": "black",
    "×": "cross", "✕": "cross", "✖": "cross", "x": "x",
    "*": "star", "■": "square", "□": "box", "△": "triangle", "▲": "triangle",
    "▽": "triangle", "▼": "triangle", "◇": "diamond", "◆": "diamond",
}  # fmt: skip
# One scan finds every run of mark characters (ASCII x only as a run of 2+).
_RUN = re.compile(r"[○〇◯●×✕✖*■□△▲▽▼◇◆]+|x{2,}")
# Counters after which a single mark is a template blank (○月○日, 第○回, ○円).
_COUNTERS = (
    "月", "日", "時", "分", "秒", "円", "万円", "千円", "回", "名", "人", "件", "歳", "才",
    "階", "号", "番", "丁目", "年", "週", "枚", "個", "本", "台", "冊", "部", "組", "校",
    "か所", "箇所", "ヵ所", "カ所", "周年", "期", "区", "班", "点", "位", "%", "キロ", "km", "m",
)  # fmt: skip
# A counter is only a counter when it does not start a longer word (○日時 is a bullet).
_NOT_COUNTER = re.compile(
    r"日時|日程|時間|時刻|時期|名称|名前|人数|人員|回数|回答|月曜|年度末|番号|部署|個人|本文|区分|組織|点検|期間|期日|位置"
)
_KANJI_DIGITS = set("一二三四五六七八九十百千万億〇")
_HONORIFICS = ("様", "さん", "殿", "氏", "くん", "君", "ちゃん", "議員", "先生")
_QUIZ = re.compile(r"([□■○〇◯●×△*]{2,})\s*(?:に入る|にはいる|に当てはまる|にあてはまる|を埋め|に入れ)")
_NEWLINE = re.compile(r"\n")
_STARS = re.compile(r"\*+")
_HONORIFIC_AFTER = re.compile(r"[ \u3000]*(?:" + "|".join(_HONORIFICS) + ")")
_DATE_BLANK = re.compile(r"[○〇◯●]月[○〇◯●]日")
_OPEN, _CLOSE = "(「『[【〈《", ")」』]】〉》"

_SUGGESTION = Suggestion("伏せ字を使わず具体的に書くか、伏せ字のない表現に改めてください")
_MARKS = "○〇◯●×✕✖*■□△▲▽▼◇◆"


def _mark_class(ch: str) -> str:
    return _CLASSES.get(ch, "")


def _split_runs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a raw run of marks into runs of one class (○× is two runs)."""
    pos = start
    while pos < end:
        cls = _mark_class(text[pos])
        stop = pos + 1
        while stop < end and _mark_class(text[stop]) == cls:
            stop += 1
        yield pos, stop
        pos = stop


class _Lines:
    """Line facts of one text, computed once per line (keeps the rule linear)."""

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(norm))]
        self._info: dict[int, tuple[str, int, set[str], Counter[str], bool]] = {}

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos) - 1
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.norm)
        return self.starts[i], end

    def info(self, pos: int) -> tuple[str, int, set[str], Counter[str], bool]:
        """(stripped line, offset of its first non-space, quiz blanks, star runs,
        whether the line is a separator made only of marks and spaces)."""
        ls, le = self.bounds(pos)
        cached = self._info.get(ls)
        if cached is None:
            line = self.norm[ls:le]
            stripped = line.strip()
            first = ls + len(line) - len(line.lstrip())
            quiz = {m.group(1) for m in _QUIZ.finditer(line)}
            stars = Counter(m.group() for m in _STARS.finditer(line))
            separator = not stripped.strip(_MARKS + " \u3000")
            cached = self._info[ls] = (stripped, first, quiz, stars, separator)
        return cached


def _is_decoration(lines: _Lines, a: int, b: int) -> bool:
    """A run used as a heading mark, frame, emphasis or separator line, not for a word."""
    norm = lines.norm
    stripped, first, _, stars, separator = lines.info(a)
    run = norm[a:b]
    # A separator line made only of marks and spaces (■■■■■■).
    if separator:
        return True
    # A frame: the line starts and ends with the same run (◇◇ 新着図書 ◇◇, ■■募集■■).
    if len(stripped) > 2 * len(run) and stripped.startswith(run) and stripped.endswith(run):
        return True
    # Emphasis written like Markdown (**重要**) on one line.
    if run[0] == "*" and stars[run] >= 2:
        return True
    # A heading mark at the line start followed by a space (■■ お知らせ), unless it
    # stands for a name before an honorific (○○ 様).
    after = norm[b] if b < len(norm) else "\n"
    if a == first and after in " \u3000\n":
        return not _HONORIFIC_AFTER.match(norm, b)
    return False


def _is_numeral_zero(norm: str, a: int, b: int) -> bool:
    """〇 (U+3007) inside a kanji numeral (二〇二五年) or a lone 〇 before 歳 (〇歳児)."""
    if set(norm[a:b]) != {"〇"}:
        return False
    prev = norm[a - 1] if a > 0 else ""
    nxt = norm[b] if b < len(norm) else ""
    if prev in _KANJI_DIGITS or nxt in _KANJI_DIGITS:
        return True
    return b - a == 1 and nxt in "歳才"


def _single_is_blank(lines: _Lines, a: int) -> bool:
    """A lone circle that is a template blank: 第○回, ○月○日, 参加費○円, （○）."""
    norm = lines.norm
    if _mark_class(norm[a]) not in ("circle", "black"):
        return False
    prev = norm[a - 1] if a > 0 else "\n"
    nxt = norm[a + 1] if a + 1 < len(norm) else "\n"
    if prev in _OPEN and nxt in _CLOSE:
        return True
    rest = norm[a + 1 : a + 4]
    if not rest.startswith(_COUNTERS) or _NOT_COUNTER.match(rest):
        return False
    if prev == "第":
        return True
    # At the line start a lone ○ is a bullet (○日時、○場所), unless the line is a
    # date template (○月○日).
    if a == lines.info(a)[1]:
        return bool(_DATE_BLANK.match(norm, a))
    return True


def _is_quiz_blank(lines: _Lines, a: int, b: int) -> bool:
    """A blank of a fill-in quiz on the same line (「□□の秋」、□□に入る言葉は？)."""
    return lines.norm[a:b] in lines.info(a)[2]


def _ascii_x_is_word(text: Text, a: int, b: int) -> bool:
    """``xx`` inside an ASCII word (xxl) or typed as Roman numerals (ⅩⅩ), not a blank."""
    norm = text.norm
    if (a > 0 and norm[a - 1].isascii() and norm[a - 1].isalnum()) or (
        b < len(norm) and norm[b].isascii() and norm[b].isalnum()
    ):
        return True
    return bool(text.quote(a, b).strip("xXｘＸ"))


def _candidates(text: Text) -> Iterator[tuple[int, int]]:
    norm = text.norm
    lines: _Lines | None = None
    for m in _RUN.finditer(norm):
        if lines is None:
            lines = _Lines(norm)
        for a, b in _split_runs(norm, m.start(), m.end()):
            if b - a == 1:
                if _single_is_blank(lines, a) and not _is_numeral_zero(norm, a, b):
                    yield a, b
                continue
            if _mark_class(norm[a]) == "x" and _ascii_x_is_word(text, a, b):
                continue
            if _is_decoration(lines, a, b) or _is_numeral_zero(norm, a, b):
                continue
            if _is_quiz_blank(lines, a, b):
                continue
            yield a, b


@rule("style.masking", title="伏せ字・置き換え忘れ", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    urls: list[tuple[int, int]] | None = None
    for a, b in _candidates(text):
        if urls is None:
            urls = sorted((u.start, u.end) for u in find_urls(text))
        i = bisect_right(urls, (a, len(text.norm))) - 1
        if i >= 0 and urls[i][0] <= a and b <= urls[i][1]:
            continue
        shown = text.quote(a, b)
        if b - a == 1:
            message = f"「{shown}」はひな形の穴埋め記号の置き換え忘れと思われます"
        else:
            message = f"「{shown}」は伏せ字です。要らぬ詮索を招くため、具体的に書くか表現を改めてください"
        yield Hit(a, b, message, _SUGGESTION)
