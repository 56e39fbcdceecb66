"""``manage.py create_municipality 京都市 kyoto --office-user johoka --family 吉田``: start a real city.

Creates the municipality on its guideline profile and its first
governance-office person (所管課), who then adds the units, the staff and
their roles on the organisation page (/org/). The password is read from
``KOSHIKI_INITIAL_PASSWORD`` or asked for twice (never taken on the command
line, where it would stay in the shell history).
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from koshiki.errors import ActionError
from koshiki.org.roles import Role
from koshiki.people.actions import do_create_municipality, do_create_person


class Command(BaseCommand):
    help = "自治体（ガイドライン・プロファイル）と最初の所管課の職員を作成します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="自治体名（例: 京都市）")
        parser.add_argument(
            "profile", help="プロファイル（kyoto, komae, ishinomaki, akitakata, kawasaki, standard）"
        )
        parser.add_argument("--website", default="", help="公式サイトのURL")
        parser.add_argument(
            "--slug",
            default="",
            help="公開一覧のURLの名前（/public/<slug>/accounts/。既定: プロファイル id）",
        )
        parser.add_argument("--office-user", required=True, help="所管課の職員のログインID")
        parser.add_argument("--family", required=True, help="その職員の姓")
        parser.add_argument("--given", default="", help="その職員の名")
        parser.add_argument("--email", default="", help="その職員のメールアドレス")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("KOSHIKI_INITIAL_PASSWORD") or self._ask_password()
        try:
            with transaction.atomic():
                municipality = do_create_municipality(
                    None, options["name"], options["profile"], options["website"], slug=options["slug"]
                )
                do_create_person(
                    None,
                    municipality,
                    username=options["office_user"],
                    family_name=options["family"],
                    given_name=options["given"],
                    email=options["email"],
                    password=password,
                    role=Role.GOVERNANCE_OFFICE,
                    bootstrap=True,
                )
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"「{municipality.name}」（{municipality.profile_id} プロファイル）を作成しました。"
            f"所管課の {options['office_user']} でログインし、組織と役割（/org/）で組織と職員を登録してください。"
            "このパスワードは初期パスワードです。最初のログインで本人が新しいパスワードを設定します。"
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("初期パスワード: ")
        if first != getpass.getpass("初期パスワード（確認）: "):
            raise CommandError("パスワードが一致しません")
        return first
