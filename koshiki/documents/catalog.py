"""The forms (様式) of a profile, read from ``checker/profiles/forms/<profile>.toml``.

Which forms a city has, their titles, addressees, fields and 決裁/受付 boxes
are profile data; this module validates them and names the file and key of
any mistake (``ProfileError``). Every form id is a document of the profile's
procedures (``[documents]`` in ``procedures/<profile>.toml``), whose
``number`` (「様式2」) and ``name`` it takes as defaults, so a step that asks
for a document can always offer its form.

A form's text may use ``{name}`` placeholders from ``VALUES`` below; a field
or section names one value (``value = "purpose"``) or gives text with
placeholders (``text = "{unit_head}"``). Loading is cached per process and
costs one TOML read per profile.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

from koshiki.checker.profiles import PROFILE_DIR, ProfileError
from koshiki.registry.lifecycle import load_procedures

FORMS_DIR = PROFILE_DIR / "forms"

LAYOUTS = ("letter", "policy", "roster")
EVENTS = ("開設", "変更", "廃止")

# Every value a form may use, with what it holds (docs/forms.md lists them).
VALUES: Mapping[str, str] = {
    "municipality": "自治体名（みなと市）",
    "office_name": "所管課の名称（procedures の office.name）",
    "office_head": "所管課の長の職名（office.head_title）",
    "committee": "委員会の名称（committee.name）",
    "list_name": "公式アカウント一覧の名称",
    "date": "作成日（和暦、令和8年4月1日）",
    "fiscal_year": "作成日の年度（令和8年度）",
    "unit_label": "開設所属（局区 部室 課）",
    "unit_name": "開設所属の課の名称",
    "unit_head": "開設所属の長（〇〇課長）",
    "applicant": "担当者の氏名",
    "responsible": "責任者（職名・氏名）",
    "account_name": "アカウント名（表示名）",
    "handle": "ID（ユーザー名）",
    "url": "登録URL",
    "platform": "ソーシャルメディアの種類",
    "platform_checks": "種類のチェック欄（■X（旧ツイッター） □フェイスブック □その他（ ））",
    "genre": "掲載ジャンル",
    "genre_checks": "掲載ジャンルのチェック欄（様式2）",
    "purpose": "利用目的",
    "content": "発信情報",
    "audience": "対象",
    "period": "運用期間（開始日〜終了日）",
    "period_start": "運用開始日（予定日）",
    "period_end": "運用終了日",
    "operating_hours": "運用時間",
    "reply_policy": "投稿に対する返信",
    "remarks": "備考（委託・指定管理の運用者）",
    "operator": "運用者",
    "contact": "問い合わせ先・担当者の連絡先",
    "registration_email": "登録メールアドレス",
    "notes": "注意事項",
    "ip_rights": "知的財産権",
    "disclaimer": "免責事項",
    "other": "その他の定め",
    "rule_body": "アカウント運用ルールの本文",
    "devices": "利用端末",
    "managers": "運用管理者（氏名）",
    "posters": "情報発信者（氏名）",
    "opened_on": "開設日",
    "closed_on": "廃止日（アカウント削除日）",
    "change_reason": "直近の変更届の内容",
    "event_checks": "届出の区分（■開設 □変更 □廃止）",
    "event_date": "開設・変更・廃止日",
    "policy_version": "運用ポリシーの版",
}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_FORM_KEYS = {
    "layout",
    "number",
    "name",
    "title",
    "date",
    "addressee",
    "sender",
    "contact",
    "body",
    "record",
    "event",
    "fields",
    "sections",
    "sections_heading",
    "boxes",
    "note",
}


@dataclass(frozen=True)
class Part:
    """One field (label + value) or section (heading + text) of a form."""

    label: str
    value: str = ""  # a name in VALUES
    text: str = ""  # text with {placeholders}


@dataclass(frozen=True)
class FormSpec:
    """A form as the profile defines it; ``fill`` turns it into text."""

    profile_id: str
    id: str
    number: str
    name: str
    layout: str
    title: str
    date: bool
    addressee: str
    sender: str
    contact: str
    body: str
    record: bool
    event: str
    fields: tuple[Part, ...]
    sections: tuple[Part, ...]
    sections_heading: str
    boxes: tuple[str, ...]
    note: str

    @property
    def label(self) -> str:
        """「様式2 ソーシャルメディア一覧掲載依頼書」 (the number only when the form has one)."""
        return f"{self.number} {self.name}" if self.number else self.name


@dataclass(frozen=True)
class Catalog:
    profile_id: str
    forms: Mapping[str, FormSpec]

    def get(self, form_id: str) -> FormSpec:
        return self.forms[form_id]


def _placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(text) if name]


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.path, key, problem)

    def text(self, spec: Mapping[str, Any], name: str, key: str, default: str = "") -> str:
        value = spec.get(name, default)
        if not isinstance(value, str):
            raise self.fail(f"{key}.{name}", "文字列で指定してください")
        try:
            names = _placeholders(value)
        except ValueError as e:
            raise self.fail(f"{key}.{name}", f"{{ }} の書き方が正しくありません（{e}）") from None
        for n in names:
            if n not in VALUES:
                raise self.fail(f"{key}.{name}", f"不明な差込項目 {{{n}}} です")
        return value

    def flag(self, spec: Mapping[str, Any], name: str, key: str, default: bool) -> bool:
        value = spec.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key}.{name}", "true か false で指定してください")
        return value

    def parts(self, spec: Mapping[str, Any], name: str, key: str, label_key: str) -> tuple[Part, ...]:
        items = spec.get(name, [])
        if not isinstance(items, list):
            raise self.fail(f"{key}.{name}", "配列で指定してください")
        parts = []
        for i, item in enumerate(items):
            k = f"{key}.{name}[{i}]"
            if not isinstance(item, dict):
                raise self.fail(k, f"{{ {label_key} = ..., value = ... }} の形で指定してください")
            unknown = sorted(set(item) - {label_key, "value", "text"})
            if unknown:
                raise self.fail(f"{k}.{unknown[0]}", "不明な項目です")
            label = self.text(item, label_key, k)
            value = item.get("value", "")
            if value and value not in VALUES:
                raise self.fail(
                    f"{k}.value", f"不明な値 {value!r} です（docs/forms.md の一覧から選んでください）"
                )
            text = self.text(item, "text", k)
            if bool(value) == bool(text):
                raise self.fail(k, "value か text のどちらか一方を指定してください")
            parts.append(Part(label, value, text))
        return tuple(parts)


def forms_path(profile_id: str, directory: Path = FORMS_DIR) -> Path:
    return directory / f"{profile_id}.toml"


@lru_cache(maxsize=32)
def load_catalog(profile_id: str, directory: Path = FORMS_DIR) -> Catalog:
    """The validated forms of ``profile_id``; ``ProfileError`` naming file and key on a mistake."""
    path = forms_path(profile_id, directory)
    reader = _Reader(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise reader.fail("(file)", "様式のファイルがありません") from None
    except tomllib.TOMLDecodeError as e:
        raise reader.fail("(file)", f"TOML として読めません（{e}）") from None
    unknown = sorted(set(data) - {"forms"})
    if unknown:
        raise reader.fail(unknown[0], "不明な項目です（使える項目: forms）")
    documents = load_procedures(profile_id).documents
    forms: dict[str, FormSpec] = {}
    for form_id, spec in data.get("forms", {}).items():
        key = f"forms.{form_id}"
        if not _ID.match(form_id):
            raise reader.fail(key, "id は英小文字・数字・_ で書いてください")
        if form_id not in documents:
            raise reader.fail(key, "手続（procedures）の [documents] にない様式です")
        if not isinstance(spec, dict):
            raise reader.fail(key, "テーブルで指定してください")
        bad = sorted(set(spec) - _FORM_KEYS)
        if bad:
            raise reader.fail(f"{key}.{bad[0]}", "不明な項目です")
        layout = spec.get("layout", "letter")
        if layout not in LAYOUTS:
            raise reader.fail(f"{key}.layout", f"{', '.join(LAYOUTS)} のいずれかを指定してください")
        event = reader.text(spec, "event", key)
        if event and event not in EVENTS:
            raise reader.fail(f"{key}.event", f"{'・'.join(EVENTS)} のいずれかを指定してください")
        boxes = spec.get("boxes", [])
        if not isinstance(boxes, list) or not all(isinstance(b, str) and b for b in boxes):
            raise reader.fail(f"{key}.boxes", "欄の名前（「決裁」「受付」など）の配列で指定してください")
        document = documents[form_id]
        name = reader.text(spec, "name", key, document.name)
        form = FormSpec(
            profile_id=profile_id,
            id=form_id,
            number=reader.text(spec, "number", key, document.number),
            name=name,
            layout=layout,
            title=reader.text(spec, "title", key, name),
            date=reader.flag(spec, "date", key, True),
            addressee=reader.text(spec, "addressee", key),
            sender=reader.text(spec, "sender", key),
            contact=reader.text(spec, "contact", key),
            body=reader.text(spec, "body", key),
            record=reader.flag(spec, "record", key, False),
            event=event,
            fields=reader.parts(spec, "fields", key, "label"),
            sections=reader.parts(spec, "sections", key, "heading"),
            sections_heading=reader.text(spec, "sections_heading", key),
            boxes=tuple(boxes),
            note=reader.text(spec, "note", key),
        )
        if not form.fields and layout != "roster":
            raise reader.fail(f"{key}.fields", "項目を1つ以上指定してください")
        forms[form_id] = form
    missing = [d for d in documents if d not in forms]
    if missing:
        raise reader.fail(f"forms.{missing[0]}", "手続の書類に対応する様式がありません")
    return Catalog(profile_id, forms)
