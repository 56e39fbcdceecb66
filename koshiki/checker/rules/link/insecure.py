"""暗号化されていない http:// のリンクを検出する。

## 何を検出するか
「http://」で始まるリンクを、リンク先が公式ドメインかどうかにかかわらず検出します。
全角で書かれた「ｈｔｔｐ：／／」も対象です。「https://」のリンクと、スキームのない
「www.city.kyoto.lg.jp」のような表記は対象外です。

## なぜ問題か
http のページは通信が暗号化されず、途中で内容を書き換えられたり、偽のページに
差し替えられたりするおそれがあります。ブラウザも「保護されていない通信」と警告するため、
利用者を不安にさせます。川崎市のガイドラインは、リンクを設定する際にリンク先の
内容を確認するよう求めています。

## 例
- NG: 「詳しくは http://www.city.kyoto.lg.jp/sogo/page/0000123456.html をご覧ください」
- OK: 「詳しくは https://www.city.kyoto.lg.jp/sogo/page/0000123456.html をご覧ください」（https）

## 代わりに
リンク先が https に対応しているか確かめ、「https://」のURLに書き換えてください。
対応していない外部サイトへのリンクは、掲載してよいか検討してください。

## 参考
- 川崎市ソーシャルメディア運用ガイドライン 5(11)コ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.text import Text
from koshiki.checker.urls import find_urls

_SUGGESTION = Suggestion("リンク先が https に対応しているか確かめ、https:// のURLに書き換えてください")


@rule("link.insecure", title="暗号化されていない http リンク", severity="info")
def check(text: Text, env: Env) -> Iterator[Hit]:
    if "http:" not in text.norm:
        return
    for url in find_urls(text):
        if url.scheme == "http":
            yield Hit(
                url.start,
                url.end,
                f"暗号化されていない http:// のリンク（{url.host}）です",
                _SUGGESTION,
            )
