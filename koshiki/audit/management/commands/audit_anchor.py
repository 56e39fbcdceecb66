"""``manage.py audit_anchor [--append FILE]``: print the chain head as one JSON line, to keep outside the database."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from koshiki.audit.events import chain_anchor

log = logging.getLogger("koshiki.audit")


class Command(BaseCommand):
    help = "監査証跡の末尾（連番とハッシュ）をアンカーとして1行の JSON で出力します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--append", metavar="FILE", help="アンカーを追記するファイル（データベースとは別の場所に）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = chain_anchor()
        line = anchor.as_json()
        if options.get("append"):
            path = Path(options["append"])
            try:
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(line + "\n")
            except OSError as exc:
                raise CommandError(f"アンカーを書き込めません: {path}（{exc.strerror}）") from None
        log.info(
            "監査証跡のアンカー %s",
            line,
            extra={"event": "audit.anchor", "seq": anchor.seq, "hash": anchor.hash},
        )
        self.stdout.write(line)
