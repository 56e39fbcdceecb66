"""``manage.py verify_audit [--anchors FILE]``: recompute the audit chain; exit non-zero at the first broken link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from koshiki.audit.events import Anchor, read_anchor_file, verify_chain


class Command(BaseCommand):
    help = "監査証跡のハッシュ連鎖を検証し、最初に壊れている箇所を示します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            metavar="FILE",
            help="以前に記録したアンカー（audit_anchor の出力、1行に1つの JSON）のファイル。連鎖がそれらを通ることも確かめます",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors: list[Anchor] = []
        if options.get("anchors"):
            try:
                anchors = read_anchor_file(Path(options["anchors"]))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        report = verify_chain(anchors=anchors)
        if report.broken is not None:
            raise CommandError(
                f"監査証跡の連鎖が壊れています: {report.broken}（正常に検証できたのは {report.checked} 件）"
            )
        against = f"、アンカー {len(anchors)} 件とも一致" if anchors else ""
        self.stdout.write(f"監査証跡を検証しました: {report.checked} 件、連鎖は正常です{against}。")
