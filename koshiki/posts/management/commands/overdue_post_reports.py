"""``manage.py overdue_post_reports``: list posts made under a scope whose report is unconfirmed past its deadline.

For cron (京都市4(1)イ(ウ)d: 所属長は内容を確認する). Prints one line per report
(account, draft, reporter, deadline) and exits with status 1 when any is
overdue, so a wrapper can mail the output. Read-only: one query.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from koshiki.fiscal import to_wareki
from koshiki.posts.models import PostHocReport


class Command(BaseCommand):
    help = "確認期限を過ぎた事後の報告（事前承認の範囲で投稿したもの）を一覧にします。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--municipality", help="自治体名で絞り込む")

    def handle(self, *args: Any, **options: Any) -> None:
        reports = PostHocReport.objects.overdue().select_related(
            "draft__account__municipality", "draft__account__owning_unit", "reported_by", "scope"
        )
        if options.get("municipality"):
            reports = reports.filter(draft__account__municipality__name=options["municipality"])
        count = 0
        for r in reports.order_by("due_at"):
            count += 1
            account = r.draft.account
            due = timezone.localtime(r.due_at)
            self.stdout.write(
                f"{account.municipality.name}\t{account.owning_unit.name}\t{account.display_name}\t"
                f"投稿案#{r.draft_id}\t{r.scope.label}\t報告者 {r.reported_by.get_username()}\t"
                f"期限 {to_wareki(due.date())} {due:%H:%M}"
            )
        if count:
            raise CommandError(f"確認期限を過ぎた報告が{count}件あります")
        self.stdout.write("確認期限を過ぎた報告はありません")
