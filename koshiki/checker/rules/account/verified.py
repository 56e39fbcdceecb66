"""プラットフォームが認証アカウント（認証バッジ）を発行しているのに取得していない。

## 何を検出するか
運用中・停止中の公式アカウントで、プラットフォームがそのアカウントに認証バッジ
（運営側が保持者を本人と確認した印。X の認証マーク、Instagram・Facebook の認証バッジ、
LINE 公式アカウントの認証済みアカウントなど）を発行しているのに取得していないもの、
または取得状況が記録されていないもの。認証を受けられないアカウントは対象外です。

## なぜ問題か
認証バッジは、利用者が公式アカウントとなりすましを見分ける最も分かりやすい手掛かり
です。川崎市のガイドラインは、提供機関が認証アカウントを発行している場合は可能な限り
取得することを定め（5(6)）、狛江市の運用ポリシー（見本）もなりすまし防止のために
公式アカウントの認証取得申請を行うとしています（第7条3）。

## 例
- NG: 認証を受けられる X のアカウントで認証マークが未取得
- NG: 認証を受けられる LINE 公式アカウントで取得状況が未記録
- OK: 認証バッジを取得済みの Instagram アカウント
- OK: 認証の制度がない（受けられない）アカウント

## 代わりに
プラットフォームの手続で認証を申請し、取得したら台帳に記録してください。申請中の
間も、市のホームページに公式アカウントの一覧を掲載して、なりすましと区別できる
ようにします。

## 参考
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(6)
- 狛江市〇〇課ツイッターアカウント運用ポリシー（見本）第7条3
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import AccountRecord

_SUGGESTION = Suggestion("プラットフォームに認証を申請し、取得したら台帳に記録してください")


@rule("account.verified", title="認証アカウントの取得", severity="warning", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if not record.exists or not record.verification_available or record.verified is True:
        return
    if record.verified is None:
        yield Hit(0, 0, "認証バッジを取得できるアカウントですが、取得状況が記録されていません", _SUGGESTION)
        return
    yield Hit(0, 0, "認証バッジを取得できるのに、まだ取得していません", _SUGGESTION)
