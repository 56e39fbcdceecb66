"""URL短縮サービスのリンクを検出する。

## 何を検出するか
bit.ly、tinyurl.com、is.gd、ow.ly、goo.gl、amzn.to、buff.ly、x.gd、cutt.ly、lnkd.in など、
汎用のURL短縮サービスのリンクを検出します。「https://」の有無、全角での表記を問いません。
X（旧Twitter）が投稿時に自動で付ける t.co を本文に手で書いた場合も対象です。
短縮サービスの一覧は `koshiki/checker/lexicons/hosts.toml` にあり、ホストごとに理由を記しています。
パスのないサービス名だけの表記（「bit.ly などの短縮URLにご注意ください」）は短縮URLではないので対象外です。

Google フォームの forms.gle、YouTube の youtu.be、Google マップの maps.app.goo.gl、
LINE 公式アカウントの lin.ee は、そのサービス自身が発行し、行き先が必ずそのサービス内になる
共有リンクなので、短縮サービスとしては扱いません（公式ドメイン外のリンクとして
`link.external` が情報を表示します）。

## なぜ問題か
短縮URLでは本来のリンク先が分からず、利用者に不安を与えます。
短縮URLの行き先は後から差し替えられることもあり、なりすましやフィッシングに悪用されます。
京都市・安芸高田市のガイドラインは、URL短縮サービスを原則として使わないと定めています。

## 例
- NG: 「申込みはこちら→ https://bit.ly/3kYoto 」
- NG: 「詳しくは tinyurl.com/kyoto-koyo をご覧ください」
- OK: 「申込みはこちら→ https://www.city.kyoto.lg.jp/bunshi/page/0000312345.html 」（本来のURL）
- OK: 「アンケートはこちら https://forms.gle/AbCdEf123 」（Google フォーム自身の共有リンク）

## 代わりに
短縮前の本来のURLをそのまま記載してください。長いURLは、市ホームページの
分かりやすいページ（トップページや特集ページ）へのリンクに替えることを検討してください。

## 参考
- 京都市ソーシャルメディアガイドライン 4(3)オ
- 安芸高田市ソーシャルメディア運用ポリシー 4(1)
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.link._classify import (
    SHORTENER,
    city_names,
    classify,
    may_hold_links,
    official_domains,
)
from koshiki.checker.text import Text

_SUGGESTION = Suggestion("短縮前の本来のURLを記載してください")


@rule("link.shortener", title="URL短縮サービス", severity="error")
def check(text: Text, env: Env) -> Iterator[Hit]:
    if not may_hold_links(text.norm):
        return
    for link in classify(text, official_domains(env.profile), env.profile.id, city_names(env.profile)):
        if link.kind == SHORTENER:
            yield Hit(
                link.url.start,
                link.url.end,
                f"URL短縮サービス（{link.url.host}）のリンクです。本来のリンク先が分からず利用者に不安を与えます",
                _SUGGESTION,
            )
