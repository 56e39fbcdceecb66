"""アカウントのパスワードが、プロファイルの定める期間を超えて変更されていない。

## 何を検出するか
運用中・停止中の公式アカウントで、最後にパスワードを変更した日から、プロファイルの
`account_password_max_age_days`（日数。既定 365 日）を超えて変更していないもの、または変更日が
記録されていないもの。変更日が今日より後（入力誤り）の場合は指摘しません。開設前・
削除済みのアカウントは対象外です。

## なぜ問題か
川崎市のガイドラインは、ID・パスワードを容易に類推される文字としない、定期的に
変更するなど、組織ごとに厳格に管理することを定めています（5(8)）。公式アカウントの
パスワードは担当者の異動のたびに複数の職員に知られていきます。変更しないままだと、
異動した職員や委託の終わった事業者がログインできる状態が続き、乗っ取りや誤投稿の
原因になります。

## 例
- NG: 最終変更日が 令和6年2月1日、今日が 令和7年4月1日（425日。基準 365 日）
- NG: パスワードの変更日が未記録
- OK: 最終変更日が 令和6年10月1日、今日が 令和7年4月1日（182日）
- OK: 削除済みのアカウント

## 代わりに
パスワードを変更し（他のサービスと同じ・似たパスワードは使わない）、変更日を台帳に
記録してください。人事異動で担当者が替わったときも変更します。

## 参考
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(8)
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.account._record import int_param, wareki
from koshiki.checker.subjects import AccountRecord

DEFAULT_MAX_AGE_DAYS = 365
_SUGGESTION = Suggestion("パスワードを変更し、変更日を台帳に記録してください")


@rule("account.password_age", title="パスワードの定期的な変更", severity="warning", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if not record.exists:
        return
    limit = int_param(env.profile, "account_password_max_age_days", DEFAULT_MAX_AGE_DAYS)
    changed = record.password_changed_at
    if changed is None:
        yield Hit(0, 0, "パスワードの変更日が記録されていません", _SUGGESTION)
        return
    age = (record.today - changed).days
    if age > limit:
        yield Hit(
            0,
            0,
            f"パスワードが {age} 日間変更されていません（最終変更: {wareki(changed)}、基準: {limit} 日）",
            _SUGGESTION,
        )
