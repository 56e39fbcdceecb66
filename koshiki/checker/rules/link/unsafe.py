"""有害なサイトや、公式ドメインを装ったホストへのリンクを検出する。

## 何を検出するか
次のリンクを検出します。
- 成人向けサイト、ギャンブルサイト、危険サイトとして公表されているホスト、
  成人向け・賭け事用のトップレベルドメイン（.xxx、.casino など）と、
  ファイル名と紛らわしいトップレベルドメイン（.zip、.mov）。
  一覧は `koshiki/checker/lexicons/hosts.toml` にあり、ホストごとに理由を記しています。
- 一覧にないホストでも、名前がカジノ・成人向けサイトであることを示すもの
  （sports-bet-casino.example、onlinecasino.example、free-adult-xxx.example）。
  casino・porn などはそれだけで、adult・xxx・sex・bet・slot など単独ではほかの意味にも
  使われる語は同じ種類の語が二つそろったときだけ対象にします（adult-learning.example は対象外）。
  公式ドメインのホストと、パス（/news/casino-ir）にある語は対象外です。
- 名前が出会い系・海賊版のサイトであることを示すホスト（deai-match.example、
  mangaraw.example、movie-torrentz.example、love-chat-singles.example）。語の一覧は
  同じ `hosts.toml` にあり（dating_word・piracy_word）、chat・meet・manga・anime など
  単独ではほかの意味にも使われる語は、同じ種類の語が二つそろったときだけ対象にします。
- 公式ドメインでないのに、市名のローマ字表記（プロファイルの `romanised_names`）と
  city・shi・shiyakusho・official・koho などの語（`hosts.toml` の municipal_word）を
  並べて市のサイトに見せかけたホスト（京都市に対する kyoto-city-info.com、
  city-of-kyoto.net、kyotocity-koho.com）。市名だけ（kyoto.travel、kyoto-marathon.jp）や、
  語の一部にすぎないもの（kyoto-shinkin の shi）は対象外です。市や実行委員会の正規の
  サイトがこの形なら、プロファイルの `official_domains` に登録してください。
- IPアドレスを直接指定したリンク（http://203.0.113.5/ など）。
- 公式ドメインに似せたホスト名。プロファイルの公式ドメイン（`official_domains`）と比べて、
  見た目の似た文字（0とo、1・iとl、rnとm、キリル文字・ギリシャ文字の а・с・о・ο など）を
  同一視すると一致するのに公式ドメインではないもの（city.kyot0.lg.jp、clty.kyoto.lg.jp、
  キリル文字の с を使った сity.kyoto.lg.jp）、公式ドメインを名前の途中に埋め込んだもの
  （city.kyoto.lg.jp.example.com、city-kyoto-lg.jp.example.com）、公式ドメインの
  ラベルをすべて順序を変えてつないだもの（city.kawasaki.jp に対する kawasaki-city-jp.example）。
  punycode（xn--）のホストは元の文字に戻してから比べます。
- 一つのラベルに英字とキリル文字・ギリシャ文字を混ぜたホストや、英字に似た別の文字だけで
  綴ったホスト、復号できない punycode のホスト。
- 「https://city.kyoto.lg.jp@example.com/」のように「@」の前にドメイン名を置き、
  実際の接続先を隠したリンク。

日本語だけの国際化ドメイン（例: 例え.jp）は、公式ドメインに似せていない限り対象外です。
国内の法律に基づく公営競技（jra.go.jp、boatrace.jp など）は一覧に載せていません。

## なぜ問題か
公式アカウントからのリンクは市が内容を認めたものと受け取られます。わいせつな内容や
違法な賭博のサイトへのリンクは発信が禁じられており、偽のドメインやIPアドレスへの
リンクは、市の名をかたるフィッシングやなりすましに利用者を誘うおそれがあります。

## 例
- NG: 「接種予約はこちら https://city.kyot0.lg.jp/yoyaku 」（数字の0を使った偽ドメイン）
- NG: 「資料は http://203.0.113.5/files/ に置いています」（IPアドレス）
- NG: 「給付金の申請はこちら https://kyoto-city-info.com/kyufu 」（京都市の名をかたるホスト）
- NG: 「今話題の漫画はこちら https://mangaraw.to/series/12 」（海賊版サイト）
- OK: 「接種予約はこちら https://www.city.kyoto.lg.jp/hokenfukushi/page/0000281234.html 」（京都市の公式ドメイン）
- OK: 「京都府の情報は https://www.pref.kyoto.jp/ へ」（似せたものではない別の自治体）

## 代わりに
リンク先が正規のサイトか、URLを一文字ずつ確かめてください。市のページは公式ドメインの
URLをそのまま記載してください。有害なサイトへのリンクは削除してください。

## 参考
- 京都市ソーシャルメディアガイドライン 5(1)キ
- 安芸高田市ソーシャルメディア運用ポリシー 2(6)オ
- 川崎市ソーシャルメディア運用ガイドライン 5(11)コ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.link._classify import (
    UNSAFE,
    city_names,
    classify,
    may_hold_links,
    official_domains,
)
from koshiki.checker.text import Text

_SUGGESTION = Suggestion("リンク先が正規のサイトか確かめ、不適切なリンクは削除してください")


@rule("link.unsafe", title="有害・偽装のおそれがあるリンク", severity="error")
def check(text: Text, env: Env) -> Iterator[Hit]:
    if not may_hold_links(text.norm):
        return
    for link in classify(text, official_domains(env.profile), env.profile.id, city_names(env.profile)):
        if link.kind == UNSAFE:
            yield Hit(link.url.start, link.url.end, link.reason, _SUGGESTION)
