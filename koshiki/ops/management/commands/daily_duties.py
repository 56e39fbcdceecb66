"""``manage.py daily_duties``: the once-a-day run (systemd timer or cron) that checks and anchors.

In order: verify the audit chain (against the earlier anchors in
``KOSHIKI_ANCHOR_FILE`` when set), record today's anchor (chain head) in the
log and append it to that file, list overdue post-hoc reports, recompute the
stored account findings for the new day (``refresh_account_findings``) and
write waiting audit exports (``run_audit_exports``). Each step's
outcome is one log line (``LOG_FORMAT=json`` makes it structured); the exit
status is 1 when any step found something, so the timer's failure mail
(``OnFailure=``) reaches the IT department.
"""

from __future__ import annotations

import io
import logging
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

log = logging.getLogger("koshiki.ops")


class Command(BaseCommand):
    help = "毎日の定時処理: 監査証跡の検証とアンカーの記録、期限切れの事後報告の一覧。"

    def handle(self, *args: Any, **options: Any) -> None:
        anchor_file = os.environ.get("KOSHIKI_ANCHOR_FILE", "").strip()
        problems: list[str] = []
        steps: list[tuple[str, str, dict[str, Any]]] = [
            (
                "監査証跡の検証",
                "verify_audit",
                {"anchors": anchor_file} if anchor_file and os.path.exists(anchor_file) else {},
            ),
            ("アンカーの記録", "audit_anchor", {"append": anchor_file} if anchor_file else {}),
            ("期限切れの事後報告", "overdue_post_reports", {}),
            # The time-based account rules change with the date (issue 10 item 9).
            ("アカウントの指摘の再計算", "refresh_account_findings", {}),
            ("監査証跡の書き出し", "run_audit_exports", {}),
        ]
        for title, command, kwargs in steps:
            out = io.StringIO()
            try:
                call_command(command, stdout=out, **kwargs)
            except CommandError as exc:
                problems.append(f"{title}: {exc}")
                log.error("%s: %s", title, exc, extra={"event": f"duties.{command}"})
                self.stdout.write(out.getvalue())
                self.stderr.write(f"{title}: {exc}")
                continue
            text = out.getvalue().strip()
            log.info("%s: %s", title, text, extra={"event": f"duties.{command}"})
            self.stdout.write(f"{title}: {text}")
        if problems:
            raise CommandError(f"定時処理で {len(problems)} 件の問題がありました")
