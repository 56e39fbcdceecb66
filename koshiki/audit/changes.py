"""変更内容 for people who are not programmers: an event's before and after as a Japanese table.

An event's ``summary`` holds ``before``, ``after`` and ``details`` as JSON
(field names and stored values, date-times in UTC). Here each field is named
in Japanese (the recorded model's ``verbose_name`` for its own fields, else
the words below for the keys the actions write) and each value is shown as a
person reads it: date-times in Japan time with the era (令和7年4月1日 10:05),
dates with the era, a choice by its label (``listed`` -> 一覧に掲載), yes/no
as はい/いいえ, lists joined with 「、」. A key nobody has named yet is shown
as it is rather than hidden.

Cost: no query; the model's field table is read once per object type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.utils import timezone

from koshiki.ui.templatetags.koshiki_tags import wareki

# Keys the actions write that are not fields of the recorded model (or name them better).
KEY_LABELS: dict[str, str] = {
    "account": "アカウント",
    "actions": "操作",
    "answer_due": "回答期限",
    "answers": "回答",
    "app": "連携アプリ",
    "approval_reset": "承認の取り消し",
    "approve": "承認",
    "approved": "承認済み",
    "approved_at": "承認日時",
    "before_approval": "承認前の投稿",
    "campaign": "キャンペーン",
    "chain": "承認の経路",
    "checker_found_rule": "チェッカーが検出した規則",
    "choice": "選択",
    "city_wide": "全庁一斉",
    "clause": "条項",
    "comment": "コメント",
    "comment_state": "コメントの状態",
    "comments": "コメント",
    "confirmed": "確認",
    "corrects": "訂正の対象",
    "count": "件数",
    "created": "作成",
    "decision_state": "判断の状態",
    "deleted": "削除",
    "delivery": "配信",
    "device": "端末",
    "documents": "書類",
    "draft": "投稿案",
    "due_at": "期限",
    "duplicates": "重複",
    "effects": "効果",
    "ended": "終了",
    "entry": "名簿の記載",
    "exception": "例外",
    "expires_at": "有効期限",
    "failures": "失敗回数",
    "known_device": "以前にログインした端末からの試行",
    "file_name": "ファイル名",
    "files": "ファイル",
    "finding": "指摘",
    "findings": "指摘",
    "format": "形式",
    "from": "変更前",
    "frozen_at": "停止日時",
    "frozen_reason": "停止の理由",
    "granted": "付与",
    "handle": "ID",
    "handling": "対応",
    "hidden": "非表示",
    "hours_warning": "時間外の警告",
    "id": "番号",
    "incident": "インシデント",
    "ip": "接続元IPアドレス",
    "issued": "交付した書類",
    "kind": "種類",
    "label": "名称",
    "late": "期限後",
    "locked_until": "停止の期限",
    "matches": "一致",
    "message": "メッセージ",
    "metadata_removed": "位置情報などの削除",
    "minutes": "議事録",
    "month": "月",
    "name": "名前",
    "no_second_check_reason": "ダブルチェックなしの理由",
    "note": "メモ",
    "notes": "備考",
    "notice": "注意喚起の文面",
    "notice_published_at": "注意喚起の掲載日時",
    "number": "番号",
    "original_deleted": "元の投稿の削除",
    "outcome": "結果",
    "outcome_label": "結果",
    "platform": "ソーシャルメディアの種類",
    "policy_version": "運用ポリシーの版",
    "position": "位置",
    "poster": "投稿者",
    "poster_kind": "投稿者の種類",
    "precheck_status": "事前確認の状態",
    "prefix": "トークンの先頭",
    "present": "出席",
    "profile": "ガイドライン・プロファイル",
    "publication": "公開の記録",
    "published_at": "公開日時",
    "read_at": "既読日時",
    "real_account": "本物のアカウント",
    "reason": "理由",
    "reasons": "理由",
    "recorded_sha256": "記録したハッシュ（SHA-256）",
    "report": "報告",
    "report_clause": "報告の条項",
    "report_sha256": "報告書のハッシュ（SHA-256）",
    "result": "結果",
    "retired_on": "廃止日",
    "reversed": "取り消し",
    "reverses": "取り消しの対象",
    "review_comment": "審査の意見",
    "revision": "版",
    "revoked_on": "解除日",
    "role": "役割",
    "roster": "運用者名簿",
    "rows": "行数",
    "rule": "規則",
    "run": "実行",
    "scope": "事前承認の範囲",
    "scopes": "事前承認の範囲",
    "second_check": "ダブルチェック",
    "second_person": "二人目の確認者",
    "sha256": "ハッシュ（SHA-256）",
    "size": "サイズ",
    "source": "取り込み元",
    "status": "状態",
    "step": "手続の段階",
    "subject": "対象",
    "submitter": "提出者",
    "target": "対象",
    "text": "本文",
    "title": "件名",
    "to": "変更後",
    "told": "連絡先",
    "url": "URL",
    "username": "ログインID",
    "via": "経由",
    "waived_rule": "容認した規則",
    "waivers": "容認",
    "warnings": "警告",
    "was_overdue": "期限超過",
    "window_minutes": "集計の時間幅（分）",
}

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMPTY = "—"


@dataclass(frozen=True)
class ChangeRow:
    """One field of an event: its Japanese name, the value before and after (as read), and whether it changed."""

    label: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class DetailRow:
    """One detail of an event (a reason, a step, a hash): Japanese name and value."""

    label: str
    value: str


@cache
def _fields(object_type: str) -> dict[str, Any]:
    """{field name: field} of the recorded model (foreign keys under both ``x`` and ``x_id``)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    out: dict[str, Any] = {}
    for field in model._meta.get_fields():
        if getattr(field, "concrete", False):
            out[field.name] = field
            attname = getattr(field, "attname", None)
            if attname:
                out[attname] = field
    return out


@cache
def _any_fields() -> dict[str, Any]:
    """{field name: field} over every Koshiki model, for the keys of a nested record (a device, a roster row)."""
    out: dict[str, Any] = {}
    for config in apps.get_app_configs():
        if config.name.startswith("koshiki."):
            for model in config.get_models():
                for field in model._meta.get_fields():
                    if getattr(field, "concrete", False) and _japanese(field):
                        out.setdefault(field.name, field)
    return out


def _japanese(field: Any) -> str:
    # Django makes "registration email" of a field given no verbose_name: not a Japanese name.
    name = str(getattr(field, "verbose_name", "") or "")
    return "" if name.isascii() else name


def field_label(object_type: str, key: str) -> str:
    """The Japanese name of one recorded key: the model field's ``verbose_name``, else ``KEY_LABELS``, else the key."""
    name = _japanese(_fields(object_type).get(key))
    return name or KEY_LABELS.get(key) or _japanese(_any_fields().get(key)) or key


def _datetime_text(value: str) -> str | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return wareki(parsed)


def value_text(value: Any, field: Any = None) -> str:
    """A stored JSON value as a person reads it (Japan time, era dates, choice labels, はい/いいえ)."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    choices = dict(getattr(field, "flatchoices", None) or ()) if field is not None else {}
    if isinstance(value, str):
        if value in choices:
            return str(choices[value])
        if _DATETIME.match(value):
            return _datetime_text(value) or value
        if _DATE.match(value):
            try:
                return wareki(date.fromisoformat(value))
            except ValueError:
                return value
        return value
    if isinstance(value, int | float):
        if value in choices:
            return str(choices[value])
        return f"番号 {value}" if getattr(field, "is_relation", False) else str(value)
    if isinstance(value, list):
        return "、".join(value_text(item) for item in value) or EMPTY
    if isinstance(value, dict):
        known = _any_fields()
        parts = [
            f"{KEY_LABELS.get(str(k)) or _japanese(known.get(str(k))) or k}: {value_text(v, known.get(str(k)))}"
            for k, v in value.items()
            if v not in (None, "", [], {})
        ]
        return "、".join(parts) or EMPTY
    return str(value)


def change_rows(object_type: str, before: dict[str, Any], after: dict[str, Any]) -> list[ChangeRow]:
    """Every key of ``before`` or ``after`` (after's order first), named and read in Japanese; empty on both sides left out."""
    fields = _fields(object_type)
    keys = list(dict.fromkeys([*after, *before]))
    rows = []
    for key in keys:
        field = fields.get(key)
        old = value_text(before[key], field) if key in before else EMPTY
        new = value_text(after[key], field) if key in after else EMPTY
        if old == new == EMPTY:
            continue  # a new record's empty fields say nothing
        rows.append(ChangeRow(field_label(object_type, key), old, new, before.get(key) != after.get(key)))
    return rows


def detail_rows(object_type: str, details: dict[str, Any]) -> list[DetailRow]:
    """The event's details (reasons, step, hashes), each named and read in Japanese."""
    fields = _fields(object_type)
    return [DetailRow(field_label(object_type, k), value_text(v, fields.get(k))) for k, v in details.items()]
