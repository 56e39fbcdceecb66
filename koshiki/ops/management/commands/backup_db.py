"""``manage.py backup_db FILE``: a consistent copy of the database (SQLite online backup or ``pg_dump -Fc``).

SQLite: the online backup API copies a consistent snapshot while the server
runs. PostgreSQL: ``pg_dump --format=custom`` (must be on PATH, same major
version as the server); the password, if any, goes through ``PGPASSWORD`` and
never appears on a command line. The audit key and the anchor file are not in
the database: back them up apart (docs/deploy.md).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq connection options and environment for pg_dump / pg_restore."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


class Command(BaseCommand):
    help = "データベースをファイルにバックアップします（SQLite はオンラインバックアップ、PostgreSQL は pg_dump）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="書き出すバックアップファイル（既にあれば中止します）")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        if target.exists():
            raise CommandError(f"{target} は既にあります。別の名前を指定してください")
        if not target.parent.is_dir():
            raise CommandError(f"フォルダ {target.parent} がありません")
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            dest = sqlite3.connect(target)
            try:
                connection.connection.backup(dest)
            finally:
                dest.close()
        elif connection.vendor == "postgresql":
            opts, env = pg_env(connection.settings_dict)
            command = [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                *opts,
                connection.settings_dict["NAME"],
            ]
            try:
                done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            except FileNotFoundError:
                raise CommandError(
                    "pg_dump が見つかりません（PostgreSQL のクライアントを入れてください）"
                ) from None
            if done.returncode != 0:
                raise CommandError(f"pg_dump が失敗しました: {done.stderr.strip()[:300]}")
        else:
            raise CommandError(f"{connection.vendor} のバックアップには対応していません")
        self.stdout.write(f"バックアップしました: {target}（{target.stat().st_size:,} バイト）")
