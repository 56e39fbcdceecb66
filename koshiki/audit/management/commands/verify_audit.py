"""``manage.py verify_audit``: recompute the audit chain; exit non-zero at the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from koshiki.audit.events import verify_chain


class Command(BaseCommand):
    help = "監査証跡のハッシュ連鎖を検証し、最初に壊れている箇所を示します。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.broken is not None:
            raise CommandError(
                f"監査証跡の連鎖が壊れています: {report.broken}（正常に検証できたのは {report.checked} 件）"
            )
        self.stdout.write(f"監査証跡を検証しました: {report.checked} 件、連鎖は正常です。")
