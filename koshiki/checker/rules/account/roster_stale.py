"""運用者の名簿（運用管理者・情報発信者確認名簿）が今年度に更新されていない。

## 何を検出するか
運用中・停止中の公式アカウントで、運用管理者・情報発信者の名簿が今年度に提出されて
いないもの。名簿を更新する月はプロファイルの `account_roster_renewal_month`（既定 4。
安芸高田市: 「毎年度当初」）で、その月の1日から1年を一つの期間とします。今の期間に
開設したアカウントは、開設の申請とともに名簿を出しているので対象外です。

更新の月のうち（4月なら4月30日まで）は提出期間中として警告、その月を過ぎても提出が
なければエラーとして報告します（プロファイルが重大度を固定している場合はそれに
従います）。

## なぜ問題か
毎年4月の人事異動で担当者が替わると、誰がアカウントを管理しているのか分からなく
なり、パスワードを知る人が異動先に残ったまま放置されます。安芸高田市のガイドライン
は、人事異動等に伴う公式アカウントの放置を防ぐため、運用管理者・情報発信者確認名簿
（様式2号）を毎年度当初作成し、情報管理課に提出することを定めています（7(7)）。

## 例
- NG: 最終提出が 令和6年4月10日、今日が 令和7年5月7日（令和7年度の名簿が未提出: エラー）
- NG: 最終提出が 令和6年4月10日、今日が 令和7年4月3日（提出期間中: 警告）
- OK: 最終提出が 令和7年4月8日、今日が 令和7年6月1日
- OK: 令和7年7月1日に開設したアカウント（開設時に名簿を提出済み）

## 代わりに
今年度の運用管理者・情報発信者の名簿を作成して提出し、提出日を台帳に記録して
ください。異動で外れた職員がいれば、同時にパスワードを変更します。

## 参考
- 安芸高田市ソーシャルメディア運用ガイドライン 7(7)
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Severity, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.account._record import add_months, month_end, month_param, wareki
from koshiki.checker.subjects import AccountRecord
from koshiki.fiscal import FISCAL_YEAR_START_MONTH, fiscal_year_label

DEFAULT_RENEWAL_MONTH = FISCAL_YEAR_START_MONTH  # 安芸高田市7(7)「毎年度当初」
_SUGGESTION = Suggestion("今年度の運用管理者・情報発信者の名簿を提出し、提出日を台帳に記録してください")


@rule("account.roster_stale", title="運用者名簿の年次更新", severity="error", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if not record.exists:
        return
    month = month_param(env.profile, "account_roster_renewal_month", DEFAULT_RENEWAL_MONTH)
    today = record.today
    start = add_months(today, -((today.month - month) % 12))  # 1st of the latest renewal month
    renewed = record.roster_renewed_at
    if (renewed is not None and renewed >= start) or (
        record.opened_at is not None and record.opened_at >= start
    ):
        return
    due = month_end(start.year, start.month)
    period = fiscal_year_label(start) if month == FISCAL_YEAR_START_MONTH else f"{wareki(start)}からの1年"
    last = f"最終提出: {wareki(renewed)}" if renewed else "提出の記録なし"
    if today <= due:
        message = f"{period}の運用者名簿がまだ提出されていません（提出期限の目安: {wareki(due)}、{last}）"
        yield Hit(0, 0, message, _SUGGESTION, Severity.WARNING)
    else:
        message = f"{period}の運用者名簿が提出されていません（提出期限の目安: {wareki(due)}、{last}）"
        yield Hit(0, 0, message, _SUGGESTION, Severity.ERROR)
