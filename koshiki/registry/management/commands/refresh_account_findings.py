"""``manage.py refresh_account_findings [--all]``: recompute the stored account findings that are out of date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from koshiki.registry.models import Account, StoredFindings
from koshiki.registry.stored_findings import refresh_stale


class Command(BaseCommand):
    help = (
        "アカウントの規則の指摘（保存分）のうち、日付・アカウント・チェッカーの版が古いものを再計算します"
        "（毎日の定時処理が実行します）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="古くないものも含めてすべて再計算する")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            StoredFindings.objects.all().delete()
        count = refresh_stale(Account.objects.all())
        self.stdout.write(f"{count}件のアカウントの指摘を再計算しました")
