"""画像・動画のメタデータに撮影場所（GPS・地名）が埋め込まれている。

## 何を検出するか
添付する画像・動画のファイルに位置情報が残っているもの: EXIF の GPS 緯度・経度、
XMP・IPTC の地名（市区町村・番地）、動画（QuickTime・MP4）の撮影位置。ウェブアプリが
ファイルから読み取った事実（`MediaFacts.has_location` と `location_tags`）を見て判定し、
どのタグに残っているかをメッセージに書きます。

次のものは対象外です。
- メタデータを取り除いて公開用に書き出したファイル（`metadata_removed`）
- 公共の会場など、投稿が意図して場所を示すもので、アップロードした人がそう記録したもの
  （`location_intended`）

## なぜ問題か
写真の位置情報からは、撮影した職員や写っている人の居場所、自宅や学校が分かって
しまいます。川崎市5(11)スは「位置情報を他人に知られることの影響について留意する
とともに、必要に応じて当該機能の停止等の対応を行う」ことを求めています。

## 例
- NG: GPS 緯度・経度の残った、職員が自宅前で撮った花壇の写真
- OK: 公開用にメタデータを取り除いた写真
- OK: 「会場は市民文化会館です」の投稿に添えた会場の写真で、場所を意図して示すと記録したもの

## 代わりに
公開用にメタデータを取り除いて書き出すか、カメラ・スマートフォンの位置情報の記録を
オフにして撮り直してください。

## 参考
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ス
- 京都市ソーシャルメディアガイドライン 5(1)ウ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import MediaFacts, one_line


@rule("media.location", title="画像・動画に残った位置情報", severity="error", subject="media")
def check(facts: MediaFacts, env: Env) -> Iterator[Hit]:
    if not facts.has_location or facts.metadata_removed or facts.location_intended:
        return
    tags = [one_line(tag) for tag in facts.location_tags if one_line(tag)]
    where = f"（{'、'.join(tags)}）" if tags else ""
    yield Hit(
        0,
        0,
        f"{facts.label}に撮影場所の位置情報が残っています{where}",
        Suggestion("公開用にメタデータを取り除くか、位置情報の記録をオフにして撮り直してください"),
    )
