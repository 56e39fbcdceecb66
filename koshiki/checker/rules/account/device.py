"""投稿に使う端末が承認されていない、または登録されていない。

## 何を検出するか
公式アカウントの投稿に使う端末として台帳に登録された端末のうち、承認されていない
もの（個人所有の端末、所管課の確認を受けていない端末）。運用中のアカウントで端末が
一台も登録されていない場合も、どの端末で投稿しているか分からないので指摘します。
開設前のアカウントは、登録された端末に未承認のものがあるときだけ指摘します（利用
開始前に確認を受ける必要があるため）。削除済みのアカウントは対象外です。

## なぜ問題か
京都市のガイドラインは、業務での運用に個人が所有するパソコン・モバイル端末・記録
媒体等を使用してはならないと定め（4(1)イ(イ)）、川崎市のガイドラインは、アカウント
取得・情報発信に使う機器について利用開始前に ICT推進課の確認を受け、原則として市が
整備したセキュリティ対策済みの機器を使うことを定めています（5(10)）。私物や未確認の
端末は、ウイルス感染や紛失によるパスワード漏えい、乗っ取りの原因になります。

## 例
- NG: 端末「担当者私物の iPhone」（未承認）
- NG: 運用中なのに端末が一台も登録されていない
- OK: 端末「広報課 貸与iPad（資産番号 R6-0123）」（承認済み）
- OK: 開設前で、まだ端末を登録していない

## 代わりに
市が整備した端末を使い、利用開始前に所管課（川崎市: ICT推進課）の確認を受けて、
承認済みとして台帳に登録してください。個人の端末からはログアウトし、パスワードを
変更します。

## 参考
- 京都市ソーシャルメディアガイドライン 4(1)イ(イ)
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(10)
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import AccountRecord


@rule("account.device", title="投稿に使う端末の承認", severity="error", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if record.is_closed:
        return
    approver = env.profile.param("account_device_approver", "") or "所管課"
    suggestion = Suggestion(
        f"市が整備した端末を使い、利用前に{approver}の確認を受けて承認済みとして登録してください"
    )
    unapproved = [d.name.strip() or "（名称なし）" for d in record.devices if not d.approved]
    if unapproved:
        names = "、".join(f"「{name}」" for name in unapproved)
        yield Hit(0, 0, f"承認されていない端末が登録されています: {names}", suggestion)
    elif record.is_active and not record.devices:
        yield Hit(0, 0, "投稿に使う端末が登録されていません", suggestion)
