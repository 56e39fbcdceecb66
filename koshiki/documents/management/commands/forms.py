"""``manage.py forms``: list a profile's official forms, or write one filled as DOCX or PDF.

The contract other tools rely on (docs/forms.md):

    manage.py forms list [--profile ID]
        one line per form: ``ID<TAB>TITLE`` (with --profile) or
        ``PROFILE<TAB>ID<TAB>TITLE`` (every profile), TITLE as 「様式2 …依頼書」
    manage.py forms render --profile ID --form FORM_ID (--account ACCOUNT_ID | --demo)
                           --format docx|pdf --out PATH [--date 令和8年4月1日]
        writes PATH and prints ``PATH<TAB>SHA-256``

Exit 0 on success; 2 with one Japanese line on stderr for any bad input
(unknown profile, form or account, wrong format, unwritable path), never a
traceback.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from koshiki.checker.profiles import ProfileError, available
from koshiki.documents.catalog import forms_path, load_catalog
from koshiki.documents.facts import demo_facts, facts_from_account
from koshiki.documents.fill import fill
from koshiki.documents.render import FORMATS, render, sha256_hex
from koshiki.fiscal import parse_wareki
from koshiki.registry.models import Account

USAGE = (
    "使い方: manage.py forms list [--profile ID] / manage.py forms render --profile ID --form FORM_ID "
    "(--account ACCOUNT_ID | --demo) --format docx|pdf --out PATH"
)


class BadInput(Exception):
    """Bad command-line input: one Japanese line, exit 2."""


def _parser_error(message: str) -> NoReturn:
    raise BadInput(f"引数を読めません（{message}）。{USAGE}")


def form_profiles() -> list[str]:
    """Profiles that have a forms file, in the checker's order."""
    return [p for p in available() if forms_path(p).exists()]


def parse_date(text: str) -> date:
    """「令和8年4月1日」「R8.4.1」 or ISO 2026-04-01; ``BadInput`` otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_wareki(text)
    except ValueError as e:
        raise BadInput(str(e)) from None


class Command(BaseCommand):
    help = "様式の一覧を表示し、または様式を台帳のデータで作成します（DOCX/PDF）。"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = _parser_error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", default="", help="list または render")
        parser.add_argument("--profile", default="", help="プロファイル（kyoto など）")
        parser.add_argument("--form", default="", help="様式のID（forms list で表示）")
        parser.add_argument("--account", default="", help="アカウントのID（台帳の番号）")
        parser.add_argument("--demo", action="store_true", help="デモのデータ（みなと市）で作成する")
        parser.add_argument("--format", default="", help="docx または pdf")
        parser.add_argument("--out", default="", help="書き出すファイルのパス")
        parser.add_argument("--date", default="", help="様式の日付（既定は今日。例: 令和8年4月1日）")

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
        except BadInput as e:
            sys.stderr.write(f"{e}\n")
            sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options["profile"])
        elif action == "render":
            self._render(options)
        elif not action:
            raise BadInput(f"list か render を指定してください。{USAGE}")
        else:
            raise BadInput(f"不明な操作です: {action}（list か render を指定してください）")

    def _profile(self, profile_id: str) -> str:
        profiles = form_profiles()
        if profile_id not in profiles:
            raise BadInput(
                f"不明なプロファイルです: {profile_id or '（未指定）'}（使えるもの: {', '.join(profiles)}）"
            )
        return profile_id

    def _list(self, profile_id: str) -> None:
        if profile_id:
            for form in load_catalog(self._profile(profile_id)).forms.values():
                self.stdout.write(f"{form.id}\t{form.label}")
            return
        for pid in form_profiles():
            for form in load_catalog(pid).forms.values():
                self.stdout.write(f"{pid}\t{form.id}\t{form.label}")

    def _render(self, options: dict[str, Any]) -> None:
        profile_id = self._profile(options["profile"])
        try:
            catalog = load_catalog(profile_id)
        except ProfileError as e:
            raise BadInput(str(e)) from None
        form_id = options["form"]
        if form_id not in catalog.forms:
            raise BadInput(
                f"{profile_id} に様式 {form_id or '（未指定）'} はありません（使えるもの: {', '.join(catalog.forms)}）"
            )
        fmt = options["format"]
        if fmt not in FORMATS:
            raise BadInput(f"--format は docx か pdf を指定してください: {fmt or '（未指定）'}")
        out = options["out"]
        if not out:
            raise BadInput("--out に書き出すファイルのパスを指定してください")
        on = parse_date(options["date"]) if options["date"] else timezone.localdate()
        if options["demo"] and options["account"]:
            raise BadInput("--account と --demo はどちらか一方だけ指定してください")
        if options["demo"]:
            facts = demo_facts(profile_id)
        elif options["account"]:
            facts = facts_from_account(self._account(options["account"], profile_id))
        else:
            raise BadInput("--account（アカウントのID）か --demo を指定してください")
        data = render(fill(catalog.get(form_id), facts, on), fmt)
        path = Path(out)
        try:
            path.write_bytes(data)
        except OSError as e:
            raise BadInput(f"{out} に書き出せません（{e.strerror or e}）") from None
        self.stdout.write(f"{path}\t{sha256_hex(data)}")

    def _account(self, raw: str, profile_id: str) -> Any:
        if not raw.isdigit():
            raise BadInput(f"--account にはアカウントの番号（数字）を指定してください: {raw}")
        try:
            account = (
                Account.objects.select_related(
                    "municipality", "owning_unit", "current_policy", "responsible_user"
                )
                .filter(pk=int(raw))
                .first()
            )
        except DatabaseError as e:
            raise BadInput(
                f"台帳のデータベースを読めません（manage.py migrate を実行してください: {e}）"
            ) from None
        if account is None:
            raise BadInput(f"アカウント {raw} は台帳にありません")
        if account.municipality.profile_id != profile_id:
            raise BadInput(
                f"アカウント {raw}（{account.municipality.name}）は {account.municipality.profile_id} "
                f"プロファイルです（--profile {profile_id} と合いません）"
            )
        return account
