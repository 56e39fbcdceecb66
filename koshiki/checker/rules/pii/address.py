"""個人の自宅など、私人の住所を番地まで書いたものを検出する。

## 何を検出するか
丁目・番地・号まで（または「1-2-3」の形で）書かれた住所のうち、同じ文の中に
自宅・お宅・〜さん宅・〜方・在住・マンション・号室・住所・個人の敬称など、
私人の住まいであることを示す言葉があるもの。住所のすぐ後に同じ行で個人の氏名と
敬称（「井上俊夫様」「山田さん」）が続くもの（手紙の差出人・宛先の書き方）も対象。
住所の範囲は番地から左へ、町名・区名・市名をさかのぼって示す。

会場・所在地・市役所・センター・公園など施設や会場を示す言葉のほうが住所に近い
場合は、催しや施設の案内とみなして対象にしない。

## なぜ問題か
番地まで分かる個人の住所は、その人の住まいを特定できる個人情報である。市民から
寄せられた情報や取材先の住所を誤って投稿すると、本人が訪問や嫌がらせを受けるおそれが
ある。ガイドラインは個人情報とプライバシーへの十分な配慮を求めている
（京都市4(3)ウ・5(1)ウ、狛江市4(3)エ、石巻市3(3)ア）。

## 例
- NG: 「感謝状を贈った山田さんのご自宅（左京区北白川1-2-3）を訪問しました」
- NG: 「落とし物は〒603-8000 北区紫野1丁目2番3号 鈴木様方までお届けください」
- NG: 「はがきの送り主：〒603-8214 北区紫野東御所田町5-8 大西和子様」（住所に続く氏名と敬称）
- OK: 「会場：京都市左京区岡崎成勝寺町9-1 みやこめっせ」（会場の住所）
- OK: 「京都市役所（中京区寺町通御池上る上本能寺前町488）」（市役所の所在地）

## 代わりに
個人の住所は載せない。地域を伝える必要があるときは「左京区内」のように町名以下を
省き、本人の同意があっても番地までは書かない。

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


@rule("pii.address", title="私人の住所", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    for address in find_addresses(text):
        if not address.private:
            continue
        shown = text.quote(address.start, address.end)
        yield Hit(
            address.start,
            address.end,
            f"個人の住まいと思われる住所「{shown}」が番地まで書かれています",
            Suggestion("個人の住所は削除するか、「○○区内」のように町名以下を省いてください"),
        )
