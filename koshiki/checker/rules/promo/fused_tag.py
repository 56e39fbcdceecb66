"""関係タグとマーケティング主体を一つのタグにまとめたものを検出する。

## 何を検出するか
第三者に依頼した投稿（文脈 `paid_third_party` が真）で、関係タグとマーケティング主体を
一つのハッシュタグにまとめたもの（#京都市PR、#PR京都市、#京都市プロモーション、#PR_京都市）を
検出します。ガイドラインの「正しくない例」にあたります。指摘の範囲はそのタグです。

正しい組（「#PR #京都市」）や、関係を文で明記した文（「京都市のPR案件としての投稿です」）が
投稿のどこかにあれば、明示はできているので指摘しません。「#PR京都市の紅葉」のように
関係タグと主体で始まる長いタグも対象です。一方、主体の後ろに別の語が続くタグ
（#京都市広告大賞 のような事業名）は対象外です。

## なぜ問題か
一つにまとめたタグは、京都市が依頼した投稿であること（関係）と依頼主（主体）を分けて
示したことにならず、「京都市のPR」という一般的な話題のタグとも区別できません。
京都市・石巻市のガイドラインは、関係タグとマーケティング主体を別々のタグで、
この順に記載するよう定めています。

## 例
- NG: 「祇園祭の宵山へ🏮 #京都市PR #祇園祭」
- NG: 「#PR京都市 石巻の朝ごはん」（石巻市のプロファイルでは #PR石巻市 が同じ扱い）
- OK: 「#PR #京都市 #祇園祭 祇園祭の宵山へ🏮」（関係タグと主体が別のタグ）

## 代わりに
「#PR #京都市」のように、関係タグとマーケティング主体のタグを分け、関係タグを先に記載してください。

## 参考
- 京都市ソーシャルメディアガイドライン 6(1)ア(ア)
- 石巻市ソーシャルメディア活用ガイドライン 5(1)ア
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.promo._disclosure import FUSED, parse, quote
from koshiki.checker.text import Text


@rule(
    "promo.fused_tag",
    title="関係タグと主体タグが一体",
    severity="error",
    requires="paid_third_party",
)
def check(text: Text, env: Env) -> Iterator[Hit]:
    d = parse(text, env.profile)
    if d.disclosed:
        return
    for tag in d.of_kind(FUSED):
        relation, subject, rest = tag.split or ("pr", "", "")
        pair = f"{d.shown(relation)} {d.shown(subject)}"
        # The pair can replace the tag only when the tag held nothing else.
        replacement = None if rest else pair
        yield Hit(
            tag.start,
            tag.end,
            f"関係タグとマーケティング主体が一つのタグ「{quote(text, tag)}」になっています",
            Suggestion(f"「{pair}」のように分けて記載してください", replacement),
        )
