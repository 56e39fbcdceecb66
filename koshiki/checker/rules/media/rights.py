"""画像・動画の権利の記録（誰が作り、どの条件で使えるか）がない。

## 何を検出するか
権利の根拠（`rights_basis`）が記録されていない画像・動画。根拠は次のいずれかです。

- `own_work`: 職員が職務で撮影・作成したもの
- `commissioned`: 委託して作成し、契約で権利の譲渡か利用の許諾を受けたもの
- `licensed`: 利用許諾を受けた素材（ライセンス名や許諾の記録とともに）
- `free_material`: 利用条件がこの使い方を認めるフリー素材・パブリックドメインの作品
- `provided`: 作者・権利者がこの利用のために提供したもの（市民の投稿写真、主催者の写真）

`licensed`・`free_material`・`provided` で、条件やライセンス名（`rights_note`）が空のものも、
条件が確かめられないので指摘します。

## なぜ問題か
インターネット上の画像や他者の作品には著作権があり、許諾なしに載せると権利の侵害に
なります。京都市4(3)ウは肖像権・著作権等に十分配慮することを、安芸高田市5は「適切な
許諾等を得ないまま、安易に掲載しない」ことを求めています。

## 例
- NG: 権利の記録がない、ウェブで見つけた観光地の写真
- NG: `licensed` と記録したがライセンス名がない素材
- OK: `own_work`（広報課職員が撮影）
- OK: `free_material`、「いらすとや（商用20点まで・加工可）」

## 代わりに
誰が作ったか、どの条件で使えるかを記録してください。分からない画像は使わず、
自分で撮影するか、利用条件の明らかな素材に差し替えてください。

## 参考
- 京都市ソーシャルメディアガイドライン 4(3)ウ
- 安芸高田市ソーシャルメディア運用ガイドライン 5
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import MediaFacts

# Bases that rest on someone else's terms: the terms must be written down.
_NEEDS_TERMS = {
    "licensed": "ライセンス・許諾の内容",
    "free_material": "素材の利用条件",
    "provided": "提供者と提供の条件",
}


@rule("media.rights", title="画像・動画の権利の記録", severity="warning", subject="media")
def check(facts: MediaFacts, env: Env) -> Iterator[Hit]:
    if not facts.rights_basis:
        yield Hit(
            0,
            0,
            f"{facts.label}の権利の記録（誰が作り、どの条件で使えるか）がありません",
            Suggestion("自作・委託・許諾・フリー素材・提供のどれかと、その条件を記録してください"),
        )
        return
    terms = _NEEDS_TERMS.get(facts.rights_basis)
    if terms and not facts.rights_note.strip():
        yield Hit(
            0,
            0,
            f"{facts.label}の{terms}が記録されていません",
            Suggestion(f"{terms}を記録してください（例: ライセンス名、契約、提供者の名前）"),
        )
