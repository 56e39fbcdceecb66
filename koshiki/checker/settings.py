"""City settings: the profile values a governance office may change without editing the package.

Issue 9 item 5 names them: the city's public phone numbers, official domains,
marketing subject tag, naming pattern, periods and operating hours. Each is a
``[params]`` key of the profiles; its kind (text, list of texts, whole number)
is not declared here but taken from the built-in profiles
(``profiles.param_kind``), so the web form, an installation's override file
and the rules all agree on one schema.

``parse_settings`` reads a form's text (one list item per line) into typed
values with Japanese errors per key; ``apply_settings`` layers validated values
over a profile. Office and unit names are not params: the office's name lives
in the procedures (an installation overrides it in
``procedures/<id>.toml``) and units are the organisation's own rows.
No Django here: the web application stores the values, the checker applies them.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from koshiki.checker.profiles import Profile, kind_label, param_kind, param_problem

MAX_TEXT = 500
MAX_ITEMS = 30
MAX_DAYS = 3650

# (key, label, help): the order of the settings page. Every key is a params key of the profiles.
_EDITABLE: tuple[tuple[str, str, str], ...] = (
    (
        "public_phones",
        "公表している電話番号",
        "代表電話・担当課の電話など、投稿に書いてよい番号。1行に1つ（例: 03-1234-5678）。"
        "ここにない番号は個人の電話番号として指摘されます。",
    ),
    (
        "official_domains",
        "公式ドメイン",
        "市の公式サイトのドメイン。1行に1つ（例: city.minato.lg.jp）。サブドメインも公式とみなします。",
    ),
    (
        "romanised_names",
        "市名のローマ字表記",
        "1行に1つ（例: minato）。公式ドメインでないのにこの名前を含むサイトは、なりすましの疑いとして指摘します。",
    ),
    (
        "marketing_subject",
        "マーケティング主体（ステマ規制の表示）",
        "第三者に発信を依頼するときに示す主体の名前（「#」は付けない。例: みなと市）。",
    ),
    ("account_naming_prefix", "アカウント表示名の頭に付ける語", "例: みなと市。空欄なら求めません。"),
    (
        "account_naming_pattern",
        "アカウント表示名の形（正規表現）",
        "空白を除いた表示名が一致すべき正規表現。空欄なら求めません。",
    ),
    (
        "account_email_domains",
        "アカウント登録メールのドメイン",
        "アカウントの登録に使うメールアドレスのドメイン。1行に1つ。",
    ),
    ("account_password_max_age_days", "パスワードを変更せずにおける日数", "1〜3650 の整数。"),
    ("account_dormancy_days", "投稿がないまま休眠とみなす日数", "1〜3650 の整数。"),
    ("operating_hours_text", "運用時間（運用ポリシーの文例）", "運用ポリシーの「運用時間」欄に入れる文。"),
)
_PHONE = re.compile(r"^0\d{1,4}-\d{1,4}-\d{3,4}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ITEM_CHECKS = {
    "public_phones": (_PHONE, "電話番号は「03-1234-5678」のように半角数字とハイフンで書いてください"),
    "official_domains": (
        _DOMAIN,
        "ドメインは「city.minato.lg.jp」のように書いてください（https:// や / は不要）",
    ),
    "account_email_domains": (_DOMAIN, "ドメインは「city.minato.lg.jp」のように書いてください（@ は不要）"),
    "romanised_names": (re.compile(r"^[a-z][a-z0-9-]{1,40}$"), "ローマ字表記は半角英小文字で書いてください"),
}


@dataclass(frozen=True)
class Setting:
    """One editable value: its params key, Japanese label and help, and its kind from the profiles."""

    key: str
    label: str
    help: str
    kind: str

    @property
    def is_list(self) -> bool:
        return self.kind.startswith("list")


def editable_settings() -> list[Setting]:
    """The settings a governance office may change, kinds taken from the built-in profiles."""
    out = []
    for key, label, help_text in _EDITABLE:
        kind = param_kind(key)
        if kind in ("str", "int", "list[str]"):
            out.append(Setting(key, label, help_text, kind))
    return out


def setting(key: str) -> Setting | None:
    return next((s for s in editable_settings() if s.key == key), None)


def display_value(value: Any) -> str:
    """A stored value as the form shows it (a list one item per line)."""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def parse_settings(raw: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form text -> (typed values, Japanese error per key); only editable keys are read."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in editable_settings():
        if item.key not in raw:
            continue
        text = unicodedata.normalize("NFKC", raw[item.key] or "").strip()
        try:
            values[item.key] = _parse(item, text)
        except ValueError as exc:
            errors[item.key] = str(exc)
    unknown = sorted(set(raw) - {s.key for s in editable_settings()})
    for key in unknown:
        errors[key] = "変更できない項目です"
    return values, errors


def _parse(item: Setting, text: str) -> Any:
    if item.kind == "int":
        if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
            raise ValueError(f"1〜{MAX_DAYS} の整数で入力してください")
        return int(text)
    if item.kind == "str":
        if len(text) > MAX_TEXT or "\n" in text and item.key != "operating_hours_text":
            raise ValueError(f"{MAX_TEXT}字までの1行で入力してください")
        problem = param_problem(item.key, text, {})
        if problem:
            raise ValueError(problem)
        return text
    items = [line.strip() for line in text.splitlines() if line.strip()]
    if len(items) > MAX_ITEMS:
        raise ValueError(f"{MAX_ITEMS}件までにしてください")
    if item.key in ("official_domains", "account_email_domains", "romanised_names"):
        items = [i.lower() for i in items]
    check = _ITEM_CHECKS.get(item.key)
    for entry in items:
        if len(entry) > 100 or (check is not None and not check[0].match(entry)):
            raise ValueError(f"{check[1] if check else '1行100字までで入力してください'}（「{entry[:40]}」）")
    if len(set(items)) != len(items):
        raise ValueError("同じものが2回入力されています")
    return items


def apply_settings(profile: Profile, values: Mapping[str, Any]) -> Profile:
    """``profile`` with ``values`` over its params; ``ValueError`` naming the key for a bad value."""
    if not values:
        return profile
    params = dict(profile.params)
    for key, value in values.items():
        if setting(key) is None:
            raise ValueError(f"{key}: 変更できない項目です")
        problem = param_problem(key, value, profile.params)
        if problem is not None:
            raise ValueError(f"{key}: {problem}")
        params[key] = list(value) if isinstance(value, list | tuple) else value
    return dataclasses.replace(profile, params=MappingProxyType(params))


__all__ = [
    "Setting",
    "apply_settings",
    "display_value",
    "editable_settings",
    "kind_label",
    "parse_settings",
    "setting",
]
