"""個人番号（マイナンバー）と思われる12桁の番号を検出する。

## 何を検出するか
12桁の数字（4桁ずつ空白またはハイフンで区切ったものを含む）のうち、最後の1桁が
個人番号の検査用数字の計算（行政手続における特定の個人を識別するための番号の
利用等に関する法律施行規則〈平成26年総務省令第85号〉第5条）に合うもの。

- 前後30文字以内に「マイナンバー」「個人番号」とあれば「エラー」。
- それ以外は「警告」: 12桁の番号のおよそ11個に1個は偶然この計算に合うので、
  何の番号か確かめてもらう。

検査用数字が合わない12桁の番号、13桁の法人番号、もっと長い数字の並びの一部
（16桁のカード番号など）は対象にしない。

## なぜ問題か
個人番号は番号法で提供・収集が厳しく制限された特定個人情報であり、公式アカウント
が公開すれば重大な漏えいになる。ガイドラインは業務上知り得た個人情報を発信しない
ことを求めている（狛江市4(4)ア、京都市4(3)ウ）。

## 例
- NG: 「申請者のマイナンバー 1234 5678 9018 を確認しました」
- OK: 「マイナンバーカードの出張申請窓口を開設します」（番号がない）
- OK: 「法人番号 1234567890123」（13桁の法人番号）
- OK: 「受付番号 123456789012」（検査用数字が合わない）

## 代わりに
個人番号は投稿に載せない。番号の写った書類やカードの画像も投稿しない。

## 参考
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ア
- 京都市ソーシャルメディアガイドライン 4(3)ウ
- 安芸高田市ソーシャルメディア運用ガイドライン 2(3)
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ケ
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Severity, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.text import Text

# 12 digits, or 4-4-4 with the same separator (space or hyphen) twice; never a
# slice of a longer run of digits, even one continued by a separator.
_CANDIDATE = re.compile(r"(?<!\d)(?<!\d[ \-])(\d{4})([ \-]?)(\d{4})\2(\d{4})(?!\d)(?![ \-]\d)")
# The first eight digits of a candidate: a quick scan that most posts fail, and
# where the look-behind-led _CANDIDATE scan can start.
_GATE = re.compile(r"\d{4}[ \-]?\d{4}")
_KEYWORD = re.compile(r"マイナンバー|個人番号")
_WINDOW = 30


def check_digit(base: str) -> int:
    """The 個人番号 check digit of an 11-digit base (総務省令第85号 第5条).

    With P_n the n-th digit counted from the right of the base (n = 1..11) and
    Q_n = n + 1 for n <= 6, n - 5 for n >= 7, the check digit is 0 when
    (sum P_n * Q_n) mod 11 <= 1, else 11 - that remainder.
    """
    if len(base) != 11 or not base.isascii() or not base.isdigit():
        raise ValueError(f"11桁の数字が必要です: {base!r}")
    total = 0
    for n, ch in enumerate(reversed(base), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(ch) * q
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_mynumber(number: str) -> bool:
    """True when ``number`` is 12 ASCII digits whose last digit is the check digit."""
    return (
        len(number) == 12
        and number.isascii()
        and number.isdigit()
        and check_digit(number[:11]) == int(number[11])
    )


@rule("pii.mynumber", title="個人番号（マイナンバー）", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    gate = _GATE.search(norm)
    if gate is None:
        return
    for m in _CANDIDATE.finditer(norm, gate.start()):
        digits = m.group(1) + m.group(3) + m.group(4)
        if not is_valid_mynumber(digits):
            continue
        start, end = m.span()
        near = norm[max(0, start - _WINDOW) : end + _WINDOW]
        shown = text.quote(start, end)
        if _KEYWORD.search(near):
            yield Hit(
                start,
                end,
                f"個人番号（マイナンバー）「{shown}」が書かれています",
                Suggestion("個人番号は投稿に載せられません。番号を削除してください"),
                Severity.ERROR,
            )
        else:
            yield Hit(
                start,
                end,
                f"12桁の番号「{shown}」は個人番号（マイナンバー）の検査用数字に合います",
                Suggestion("個人番号であれば削除し、別の番号であれば個人番号でないことを確かめてください"),
                Severity.WARNING,
            )
