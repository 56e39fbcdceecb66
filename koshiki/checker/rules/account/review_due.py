"""年度末の効果測定（運用状況の確認）が行われていない、または期限が近い。

## 何を検出するか
運用中の公式アカウントで、毎年度末に行う効果測定（運用の効果と独自性の確認）が
済んでいないもの。期限の月はプロファイルの `account_annual_review_month`（既定 3。
狛江市: 「毎年度末」）で、期限はその年度のその月の末日（3月31日）です。

- ある年度の効果測定とみなすのは、期限の月の2か月前の1日（3月なら1月1日）以降に
  行った確認です。期限を過ぎてから行った確認も、遅れたその年度分として数えます。
- 期限を過ぎても前の期限の分の確認がなければ**エラー**（「令和6年度の効果測定が行われて
  いません（期限: 令和7年3月31日）」）。確認の期間（1月1日〜）が始まった後に開設した
  アカウントには、その年度の確認を求めません。
- 期限の月に入っても（3月1日から）今年度の確認がなければ**警告**（期限が近いことの通知）。

停止中・開設前・削除済みのアカウントは対象外です（停止中のアカウントの定期確認は
別の手続です）。

## なぜ問題か
狛江市のガイドラインは、公式アカウントを運用している課が、毎年度末に作成時の基準
（既存アカウントへの集約になじむか、発信が軽微でないか、発信回数が既存アカウントを
阻害しないか）を踏まえて運用状況を確認し、効果と独自性が担保できなければ運用の停止
と市広報アカウントへの集約を検討することを定めています（4(5)ア）。確認を忘れると、
役目を終えたアカウントが増え続け、市民が情報過多に陥ります。

## 例
- NG: 今日が 令和7年4月15日、最後の確認が 令和6年3月25日（令和6年度の確認がない: エラー）
- NG: 今日が 令和8年3月10日、最後の確認が 令和7年3月25日（今年度末の期限が近い: 警告）
- OK: 今日が 令和7年4月15日、最後の確認が 令和7年3月18日
- OK: 今日が 令和7年12月1日、最後の確認が 令和7年3月18日（まだ確認期間ではない）

## 代わりに
作成時の基準（4(2)ア(ア)〜(ウ)）に照らして運用状況を確認し、結果と確認日を台帳に
記録してください。効果が認められない場合は、運用の停止と市広報アカウントへの集約を
検討します。

## 参考
- 狛江市ソーシャルメディア活用ガイドライン 4(5)ア
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Severity, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.account._record import add_months, month_end, month_param, wareki
from koshiki.checker.subjects import AccountRecord
from koshiki.fiscal import FISCAL_YEAR_START_MONTH, fiscal_year, fiscal_year_label

DEFAULT_REVIEW_MONTH = 3  # 狛江市4(5)ア「毎年度末」
WINDOW_MONTHS = 2  # a review counts for a year from the 1st of the month two months before the due month
_SUGGESTION = Suggestion("作成時の基準に照らして運用状況を確認し、確認日を台帳に記録してください")


@rule("account.review_due", title="年度末の効果測定", severity="error", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if not record.is_active:
        return
    month = month_param(env.profile, "account_annual_review_month", DEFAULT_REVIEW_MONTH)
    today = record.today

    def due(year: int) -> date:
        """The review deadline of fiscal year ``year``: the end of the review month within it."""
        return month_end(year if month >= FISCAL_YEAR_START_MONTH else year + 1, month)

    def window_start(year: int) -> date:
        return add_months(due(year), -WINDOW_MONTHS)

    def owed(year: int) -> bool:
        """The account operated before the window opened and no review was done since."""
        if record.opened_at is not None and record.opened_at >= window_start(year):
            return False
        return record.review_done_at is None or record.review_done_at < window_start(year)

    last = f"最後の確認: {wareki(record.review_done_at)}" if record.review_done_at else "確認の記録なし"
    year = fiscal_year(today)
    passed = year if today > due(year) else year - 1
    if owed(passed):
        message = (
            f"{fiscal_year_label(passed)}の効果測定（運用状況の確認）が行われていません"
            f"（期限: {wareki(due(passed))}、{last}）"
        )
        yield Hit(0, 0, message, _SUGGESTION, Severity.ERROR)
        return
    upcoming = passed + 1
    # From the 1st of the due month on, remind (add_months(…, 0) is that month's 1st).
    if today >= add_months(due(upcoming), 0) and owed(upcoming):
        message = (
            f"{fiscal_year_label(upcoming)}の効果測定（運用状況の確認）が未実施です"
            f"（期限: {wareki(due(upcoming))}、{last}）"
        )
        yield Hit(0, 0, message, _SUGGESTION, Severity.WARNING)
