"""画像に代替テキストがない。

## 何を検出するか
代替テキスト（`alt_text`）が空の画像。装飾用と記録した画像（`decorative`）と動画は対象外です
（動画の字幕・説明は別の確認事項です）。

## なぜ問題か
画面読み上げを使う人には、代替テキストのない画像の内容が伝わりません。市の発信は
すべての住民に向けたもので、JIS X 8341-3（達成基準 1.1.1 非テキストコンテンツ）は画像に
代替テキストを求めています。5市のガイドラインには明文の条項がないため、重大度は「情報」
（作成者への助言）です。

## 例
- NG: 代替テキストのない、ごみ出しカレンダーの画像
- OK: 「令和7年度 東地区のごみ収集カレンダー。燃やすごみは月・木曜日」
- OK: 区切り線の画像で、装飾用と記録したもの

## 代わりに
画像が伝える内容を一、二文で代替テキストに書いてください。文字の入った画像は、その文字を
書き写します。

## 参考
- JIS X 8341-3:2016 達成基準 1.1.1（総務省「みんなの公共サイト運用ガイドライン」）
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import MediaFacts


@rule("media.alt_text", title="画像の代替テキスト", severity="info", subject="media")
def check(facts: MediaFacts, env: Env) -> Iterator[Hit]:
    if facts.kind != "image" or facts.decorative or facts.alt_text.strip():
        return
    yield Hit(
        0,
        0,
        f"{facts.label}に代替テキストがありません",
        Suggestion("画像が伝える内容を代替テキストに書くか、装飾用なら装飾用と記録してください"),
    )
