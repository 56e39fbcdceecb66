"""``manage.py restore_db FILE --yes``: replace the database with a backup made by ``backup_db``.

Stop the application server first (docs/deploy.md). SQLite: the backup is
copied over the database file page by page (online backup API, reversed).
PostgreSQL: ``pg_restore --clean --if-exists --single-transaction`` into the
configured database. Run ``verify_audit --anchors`` afterwards: a restored
chain must still pass through every anchor recorded before the backup.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from koshiki.ops.management.commands.backup_db import pg_env


class Command(BaseCommand):
    help = "backup_db で作ったバックアップからデータベースを復元します（現在の内容は置き換わります）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="復元するバックアップファイル")
        parser.add_argument(
            "--yes", action="store_true", help="現在のデータベースを置き換えることを確認します"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"バックアップファイル {source} がありません")
        if not options["yes"]:
            raise CommandError("現在のデータベースが置き換わります。確認のため --yes を付けてください")
        if connection.vendor == "sqlite":
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise CommandError(f"{source} は壊れた SQLite ファイルです")
                connection.ensure_connection()
                src.backup(connection.connection)
            except sqlite3.DatabaseError as exc:
                raise CommandError(f"{source} は SQLite のバックアップとして読めません（{exc}）") from None
            finally:
                src.close()
        elif connection.vendor == "postgresql":
            opts, env = pg_env(connection.settings_dict)
            connection.close()
            command = [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *opts,
                "--dbname",
                connection.settings_dict["NAME"],
                str(source),
            ]
            try:
                done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            except FileNotFoundError:
                raise CommandError(
                    "pg_restore が見つかりません（PostgreSQL のクライアントを入れてください）"
                ) from None
            if done.returncode != 0:
                raise CommandError(f"pg_restore が失敗しました: {done.stderr.strip()[:300]}")
        else:
            raise CommandError(f"{connection.vendor} の復元には対応していません")
        self.stdout.write(f"復元しました: {source}。続けて manage.py verify_audit を実行してください")
