"""公式ドメイン外のサイトへのリンクを知らせる。

## 何を検出するか
プロファイルの公式ドメイン（`official_domains`、標準では lg.jp と go.jp）にも
そのサブドメインにも当たらないホストへのリンクを、情報として知らせます。
Google フォーム（forms.gle）や YouTube（youtu.be）の共有リンクもここに含まれます。
メールアドレスのドメイン（記号を置き換えた `info(at)example.org` の形も）はリンクではありません。

URL短縮サービス（`link.shortener`）や有害・偽装のおそれがあるリンク（`link.unsafe`）も
公式ドメイン外へのリンクなので、それらの規則とは独立にここでも知らせます（規則はそれぞれ
独立した検査で、プロファイルがどれかを無効にしても他の規則の結果は変わりません）。

プロファイルの規則設定 `options.allowed_hosts` に挙げたホスト（例: 市の公式 YouTube
チャンネルを置く www.youtube.com）とそのサブドメインは対象外にできます。

## なぜ問題か
公式アカウントが他のホームページへのリンクを掲載すると、利用者はそのページを
「市のホームページである」「市が内容を認めている」と受け取る可能性があります。
リンク先が第三者の管理するページであることを確かめ、慎重に掲載する必要があります。

## 例
- NG: 「会場周辺のおすすめは https://kyoto-gourmet.example.com/ranking で紹介されています」
- OK: 「募集要項は https://www.city.kyoto.lg.jp/bunshi/page/0000301234.html をご覧ください」（公式ドメイン）
- OK: 「国の支援策は https://www.mhlw.go.jp/ をご覧ください」（go.jp は公式ドメイン）

## 代わりに
リンク先の運営者と内容を確認し、必要なら「外部サイトへ移動します」などと添えてください。
市の情報は、できるだけ市ホームページのページへのリンクで伝えてください。

## 参考
- 京都市ソーシャルメディアガイドライン 4(3)エ
- 安芸高田市ソーシャルメディア運用ポリシー 4(1)
- 川崎市ソーシャルメディア運用ガイドライン 5(11)コ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.link._classify import (
    EXTERNAL,
    SHORTENER,
    UNSAFE,
    city_names,
    classify,
    may_hold_links,
    official_domains,
)
from koshiki.checker.text import Text
from koshiki.checker.urls import host_matches

_SUGGESTION = Suggestion(
    "リンク先の運営者と内容を確認してください（市のページと受け取られる可能性があります）"
)


@rule("link.external", title="公式ドメイン外へのリンク", severity="info")
def check(text: Text, env: Env) -> Iterator[Hit]:
    if not may_hold_links(text.norm):
        return
    # Rules are independent checks: a shortened or unsafe link is still a
    # link off the official domains (RULES.md link.external).
    kinds = {EXTERNAL, SHORTENER, UNSAFE}
    allowed = tuple(env.options.get("allowed_hosts", ()))
    for link in classify(text, official_domains(env.profile), env.profile.id, city_names(env.profile)):
        if link.kind in kinds and not host_matches(link.url.host, allowed):
            yield Hit(
                link.url.start,
                link.url.end,
                f"公式ドメイン外のサイト（{link.url.host}）へのリンクです。市のページと受け取られる可能性があります",
                _SUGGESTION,
            )
