"""アカウントに多要素認証（二段階認証）が設定されていない。

## 何を検出するか
運用中・停止中の公式アカウントで、多要素認証（二段階認証・ワンタイムパスワード）が
設定されていないもの、または設定の有無が記録されていないもの。プラットフォームが
「その他」で設定の有無が記録されていない場合は、設定できるかどうか分からないので
指摘しません。開設前・削除済みのアカウントは対象外です。

重大度はプロファイルの `account_mfa` で決まります。`required`（石巻市: 「多要素認証を
設定する」）はエラー、`recommended`（京都市: 「設定できる場合は、極力設定する」）は
警告です。

## なぜ問題か
公式アカウントが乗っ取られると、市の名前で偽の情報が発信され、被害が市民に及びます。
パスワードだけでは、使い回しや漏えい、フィッシングで簡単に破られます。石巻市の
ガイドラインは乗っ取りを防ぐために多要素認証の設定を求め（3(3)カ）、京都市の
ガイドラインも二段階認証やワンタイムパスワードを極力設定するよう求めています
（4(3)ケ）。

## 例
- NG: X の公式アカウントで二段階認証が「無効」
- NG: Instagram の公式アカウントで二段階認証の設定状況が未記録
- OK: Facebook ページの管理者アカウントで二段階認証が「有効」
- OK: 「その他」のサービスで設定の有無が未記録（設定できるか分からない）

## 代わりに
プラットフォームの設定で二段階認証（認証アプリ、またはセキュリティキー）を有効に
し、台帳に設定済みと記録してください。SMS 認証より認証アプリの方が安全です。
バックアップコードは組織で管理します。

## 参考
- 石巻市ソーシャルメディアガイドライン 3(3)カ
- 京都市ソーシャルメディアガイドライン 4(3)ケ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Severity, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import AccountRecord

_SUGGESTION = Suggestion("二段階認証（認証アプリなど）を有効にし、台帳に記録してください")
LEVELS = {"required": Severity.ERROR, "recommended": Severity.WARNING}


@rule("account.mfa", title="多要素認証の設定", severity="error", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if not record.exists or record.mfa_enabled is True:
        return
    level = env.profile.param("account_mfa", "required")
    if level not in LEVELS:
        raise ValueError(f"プロファイルの account_mfa は required か recommended です（{level!r}）")
    severity = LEVELS[level]
    if record.mfa_enabled is None:
        if record.platform != "other":
            yield Hit(0, 0, "多要素認証（二段階認証）の設定状況が記録されていません", _SUGGESTION, severity)
        return
    yield Hit(0, 0, "多要素認証（二段階認証）が設定されていません", _SUGGESTION, severity)
