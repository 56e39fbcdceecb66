"""アカウントの登録メールアドレスが組織（公式ドメイン）のアドレスではない。

## 何を検出するか
公式アカウントの登録メールアドレスが、プロファイルの公式ドメイン
（`account_email_domains`、なければ `official_domains`。例: `city.komae.lg.jp`）とその
サブドメインのアドレスではないもの。フリーメール（`gmail.com` など）や携帯電話会社の
アドレスはそのことを示します。運用中・停止中のアカウントで登録メールアドレスが記録
されていない場合と、アドレスの形になっていない場合も指摘します。開設前のアカウント
では、アドレスが未定（空欄）なら指摘しません。

## なぜ問題か
川崎市のガイドラインは、登録メールアドレスに必ず組織メールアドレスを使うことを定め
（5(3)）、狛江市の運用ポリシー（見本）第4条も登録メールアドレスを市のドメイン
（`@city.komae.lg.jp`）としています。個人のアドレスや私用のフリーメールで登録すると、
担当者の異動や退職でパスワードの再設定やなりすまし・乗っ取りへの対応ができなくなり、
アカウントが放置されます。

## 例
- NG: 登録メールアドレス `kawasaki.koho2024@gmail.com`（フリーメール）
- NG: 登録メールアドレス `t-yamada@example.co.jp`（公式ドメイン以外）
- OK: 登録メールアドレス `25koho@city.kawasaki.jp`（川崎市の公式ドメイン）
- OK: 登録メールアドレス `hisyokoho@city.komae.lg.jp`

## 代わりに
所属の組織メールアドレス（課・係の共用アドレス）でアカウントを登録し直してください。
公式ドメインのアドレスでも、職員個人のアドレスは避けます。

## 参考
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(3)
- 狛江市〇〇課ツイッターアカウント運用ポリシー（見本）第4条(2)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import AccountRecord
from koshiki.checker.urls import host_matches

_ADDRESS = re.compile(r"^[a-z0-9._%+\-]+@(?P<host>[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9\-]+)+)$")
# Personal mail services: naming them makes the message concrete.
FREE_MAIL = (
    "gmail.com", "googlemail.com", "yahoo.co.jp", "ymail.ne.jp", "yahoo.com", "outlook.jp",
    "outlook.com", "hotmail.com", "hotmail.co.jp", "live.jp", "icloud.com", "me.com", "mac.com",
    "aol.com", "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp",
    "nifty.com", "excite.co.jp", "gmx.com", "proton.me", "protonmail.com",
)  # fmt: skip


@rule("account.org_email", title="登録メールアドレスは組織のアドレス", severity="error", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if record.is_closed:
        return
    domains = list(
        env.profile.param("account_email_domains") or env.profile.param("official_domains", []) or []
    )
    # An example only from a municipality's own domain, never a bare lg.jp.
    own = [d.lstrip("*.") for d in domains if d.lstrip("*.").count(".") >= 2]
    example = f"****@{own[0]}" if own else None
    suggestion = Suggestion("所属の組織メールアドレスで登録してください", example)
    address = unicodedata.normalize("NFKC", record.registration_email or "").strip().lower()
    if not address:
        if record.exists:
            yield Hit(0, 0, "登録メールアドレスが記録されていません", suggestion)
        return
    m = _ADDRESS.match(address)
    if not m:
        yield Hit(
            0,
            0,
            f"登録メールアドレス「{record.registration_email}」がメールアドレスの形ではありません",
            suggestion,
        )
        return
    host = m.group("host")
    if domains and host_matches(host, domains):
        return
    if host_matches(host, FREE_MAIL):
        message = f"登録メールアドレス「{address}」が個人向けのメールサービス（{host}）のアドレスです"
    else:
        message = f"登録メールアドレス「{address}」が公式ドメイン（{'・'.join(domains) or '未設定'}）のアドレスではありません"
    yield Hit(0, 0, message, suggestion)
