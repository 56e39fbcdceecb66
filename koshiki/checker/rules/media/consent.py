"""個人が特定できる人が写っているのに、本人などの同意が記録されていない。

## 何を検出するか
顔検出で特定できる大きさの顔が見つかった（`faces_detected` が 1 以上）か、アップロードした
人が「人が写っている」と記録した（`people_marked_by_uploader`）画像・動画で、写っている人
本人・保護者・所属団体の同意が記録されていない（`consent_recorded` でない）もの。

次のものは対象外です。
- 顔が小さく個人を特定できない群衆（検出器が特定できる顔として数えないもの）
- 同意が記録されているもの
- 公的な行事で職務として写っている公人（市長のあいさつなど）で、そう記録したもの
  （`public_official_recorded`）

## なぜ問題か
狛江市4(3)エは「個人が特定できる写真や映像…を投稿する場合は、事前に本人や所属団体、
企業等に了解を得る」ことを、川崎市5(11)エは「肖像権を侵害するおそれのないこと」を
発信の条件としています。子どもの写真は特に、保護者の同意なしには載せられません。

## 例
- NG: 運動会で撮った児童 3 人の顔が写った写真（同意の記録なし）
- OK: 同意書を受け取り、同意を記録した写真
- OK: 後ろ姿や遠景で、個人を特定できない会場の様子

## 代わりに
写っている人（未成年は保護者）か所属団体の同意を得て記録するか、顔が分からないよう
撮り直す・ぼかしてください。

## 参考
- 狛江市ソーシャルメディア活用ガイドライン 4(3)エ
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)エ
- 京都市ソーシャルメディアガイドライン 4(3)ウ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import MediaFacts


@rule("media.consent", title="写っている人の同意", severity="warning", subject="media")
def check(facts: MediaFacts, env: Env) -> Iterator[Hit]:
    faces = facts.faces_detected or 0
    if not (faces or facts.people_marked_by_uploader):
        return
    if facts.consent_recorded or facts.public_official_recorded:
        return
    who = f"個人が特定できる顔が {faces} 人分" if faces else "個人が特定できる人"
    yield Hit(
        0,
        0,
        f"{facts.label}に{who}写っていますが、本人などの同意が記録されていません",
        Suggestion(
            "本人（未成年は保護者）か所属団体の同意を得て記録するか、顔が分からないようにしてください"
        ),
    )
