"""プロファイルの定める期間を超えて投稿がない（休眠アカウント）。

## 何を検出するか
運用中の公式アカウントで、最後の投稿から、プロファイルの `account_dormancy_days`（日数。既定
180 日）を超えて投稿がないもの。まだ一度も投稿がない場合は開設日から数えます。最終
投稿日も開設日も記録されていない場合は、そのことを指摘します。停止中のアカウント
（狛江市4(5)エ: 削除せずに保全するもの）は投稿しないのが当然なので対象外です。

## なぜ問題か
更新の止まったアカウントは、利用者に古い情報を最新のものと誤解させ、担当者の異動で
パスワードの管理もおろそかになって乗っ取りの標的になります。川崎市のガイドラインは、
一定期間更新がなされないアカウントは利用の廃止を検討することを定めています（5(9)）。

## 例
- NG: 最終投稿が 令和6年8月1日、今日が 令和7年4月1日（243日。基準 180 日）
- NG: 開設から 200 日、一度も投稿がない
- OK: 最終投稿が 令和7年3月20日、今日が 令和7年4月1日
- OK: 運用を停止して保全しているアカウント

## 代わりに
投稿を再開するか、利用の廃止（またはプロファイルの手続による停止）を検討してください。
廃止する場合は、ガイドラインの手続に従って一覧からの削除を届け出ます。

## 参考
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(9)
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.account._record import int_param, wareki
from koshiki.checker.subjects import AccountRecord

DEFAULT_DORMANCY_DAYS = 180
_SUGGESTION = Suggestion("投稿を再開するか、利用の廃止を検討してください")


@rule("account.dormant", title="一定期間更新のないアカウント", severity="warning", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if not record.is_active:
        return
    limit = int_param(env.profile, "account_dormancy_days", DEFAULT_DORMANCY_DAYS)
    if record.last_posted_at is not None:
        idle = (record.today - record.last_posted_at).days
        if idle > limit:
            yield Hit(
                0,
                0,
                f"最後の投稿（{wareki(record.last_posted_at)}）から {idle} 日間投稿がありません（基準: {limit} 日）",
                _SUGGESTION,
            )
        return
    if record.opened_at is None:
        yield Hit(0, 0, "最終投稿日も開設日も記録されていないため、更新の状況が分かりません", _SUGGESTION)
        return
    idle = (record.today - record.opened_at).days
    if idle > limit:
        yield Hit(
            0,
            0,
            f"開設（{wareki(record.opened_at)}）から {idle} 日間、一度も投稿がありません（基準: {limit} 日）",
            _SUGGESTION,
        )
