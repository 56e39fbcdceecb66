"""``manage.py run_duties [--date YYYY-MM-DD] [--dry-run]``: the daily run of the duty calendar (cron / systemd)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from koshiki.duties.runner import run


class Command(BaseCommand):
    help = "職務の暦: 期限の来た職務を作り、記録で済んだものを解消し、通知とメールを送る（何度実行しても二重に送らない）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="処理する日（YYYY-MM-DD、既定は今日）")
        parser.add_argument(
            "--dry-run", action="store_true", help="作る職務と解消する職務を表示するだけで、何も書き込まない"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("date")
        try:
            day = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date は YYYY-MM-DD で指定してください（{raw}）", returncode=2) from None
        report = run(day, dry_run=options["dry_run"])
        head = "（試行: 何も書き込んでいません）" if report.dry_run else ""
        self.stdout.write(f"{day.isoformat()} の職務{head}")
        for line in report.created:
            self.stdout.write(f"  発生: {line}")
        for line in report.resolved:
            self.stdout.write(f"  解消: {line}")
        self.stdout.write(
            f"発生 {len(report.created)}件、解消 {len(report.resolved)}件、通知 {report.notified}件、"
            f"まとめメール {report.digests}通、送信 {report.sent}通、送信失敗 {report.failed}通、"
            f"アカウントの指摘の再計算 {report.findings_refreshed}件、監査証跡の書き出し {report.exports_written}件"
        )
