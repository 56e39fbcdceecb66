"""``manage.py demo_totp LOGIN``: the current 2-step code of a demo login (demo devices only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from koshiki.security.demo import DEMO_TOTP_SECRET, current_code, demo_device_of


class Command(BaseCommand):
    help = "デモ用ログインの2段階認証の確認コード（6桁）を表示します。デモ用の認証アプリにだけ使えます。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("login", help="ログインID（例: koho.kacho）")

    def handle(self, *args: Any, **options: Any) -> None:
        login = options["login"]
        user = get_user_model().objects.filter(username=login).first()
        if user is None:
            raise CommandError(f"ログインID「{login}」の職員はいません", returncode=2)
        device = demo_device_of(user)
        if device is None:
            raise CommandError(
                f"「{login}」にはデモ用の認証アプリがありません（本番の職員の確認コードは表示できません）",
                returncode=2,
            )
        self.stdout.write(current_code(device))
        if options["verbosity"] > 1:
            self.stdout.write(
                f"（認証アプリにセットアップキー {DEMO_TOTP_SECRET} を登録しても同じコードが出ます）"
            )
