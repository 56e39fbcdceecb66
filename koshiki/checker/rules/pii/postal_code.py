"""私人の住所に添えられた郵便番号を検出する。

## 何を検出するか
`pii.address` が私人の住所と判断した住所の直前（空白・読点・括弧を挟んでもよい）に
書かれた郵便番号（「〒603-8000」「郵便番号6038000」など）。住所と同じ判断を共有し、
住所の検出を二度行わない。

会場・施設・役所の住所に添えられた郵便番号は対象にしない。

## なぜ問題か
郵便番号は住所と組み合わさると住まいの特定を容易にし、住所を消しても郵便番号が
残れば地域がかなり絞り込まれる。ガイドラインは個人情報への十分な配慮を求めている
（京都市4(3)ウ、狛江市4(3)エ、石巻市3(3)ア）。

## 例
- NG: 「応募作品の返送先: 〒603-8000 北区紫野1-2-3 コーポ紫野101号室 山田様」
- OK: 「〒604-8571 京都市中京区寺町通御池上る上本能寺前町488 京都市役所」（市役所の郵便番号）
- OK: 「〒604-8571」だけが書かれている（住所がない）

## 代わりに
私人の住所とともに郵便番号も削除する。

## 参考
- 京都市ソーシャルメディアガイドライン 4(3)ウ
- 狛江市ソーシャルメディア活用ガイドライン 4(3)エ
- 石巻市ソーシャルメディアガイドライン 3(3)ア
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ケ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.pii._address import find_addresses
from koshiki.checker.text import Text


@rule("pii.postal_code", title="私人の住所の郵便番号", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    for address in find_addresses(text):
        if not address.private or address.postal is None:
            continue
        start, end = address.postal
        shown = text.quote(start, end)
        yield Hit(
            start,
            end,
            f"個人の住所に添えられた郵便番号「{shown}」が書かれています",
            Suggestion("個人の住所とともに郵便番号も削除してください"),
        )
