"""Reading comments from CSV exports, a pasted form or a JSON body into validated ``CommentInput`` rows.

Formats (``docs/comments.md``): the documented generic CSV (English or
Japanese headers), and the LINE公式アカウント chat history CSV. X, Facebook,
Instagram and YouTube offer no export of the comments an account receives;
their comments come as the generic CSV (written by hand or by a tool using the
platform's API) or through ``POST /api/comments``. Every problem is collected
per row as a Japanese message naming the row, so an import with one broken
row can be refused whole and the user fixes them all at once.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_TEXT = 5000
MAX_ROWS = 5000
MAX_HANDLE = 200
FUTURE_SKEW = timedelta(minutes=10)
JST = ZoneInfo("Asia/Tokyo")
_URL = URLValidator(schemes=["http", "https"])
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
)

# Generic CSV: field -> accepted header names (compared without case and spaces).
GENERIC_HEADERS: dict[str, tuple[str, ...]] = {
    "author": ("author", "author_handle", "handle", "user", "username", "投稿者", "投稿者id", "ユーザー名"),
    "text": ("text", "comment", "body", "message", "本文", "コメント", "内容"),
    "posted_at": ("posted_at", "time", "timestamp", "created_at", "date", "投稿日時", "日時"),
    "url": ("url", "permalink", "comment_url", "コメントurl", "url（コメント）"),
    "external_id": ("id", "comment_id", "external_id", "コメントid"),
    "in_reply_to": ("in_reply_to", "post_url", "reply_to", "返信先", "返信先url", "投稿url"),
}
# LINE公式アカウント「チャット」の履歴ダウンロード（CSV）: 送信者タイプ, 送信者名, 送信日, 送信時刻, 内容.
LINE_HEADERS = ("送信者タイプ", "送信者名", "送信日", "送信時刻", "内容")
# Rows the account itself sent (its own replies) are not citizens' comments.
LINE_OWN_SENDERS = frozenset({"account", "アカウント", "bot", "自動応答"})
FORMATS = {
    "generic": "汎用CSV（列: 投稿者・本文・投稿日時は必須、コメントのURL・コメントID・返信先の投稿のURLは任意）",
    "line": "LINE公式アカウントのチャット履歴CSV",
}


@dataclass(frozen=True)
class CommentInput:
    """One validated comment, ready to be stored."""

    author: str
    text: str
    posted_at: datetime
    url: str = ""
    external_id: str = ""
    in_reply_to: str = ""

    def dedup_key(self, platform: str) -> str:
        """The platform's id, else the URL, else a digest of author, time and text (re-imports match)."""
        if self.external_id:
            return f"id:{platform}:{self.external_id}"[:300]
        if self.url:
            return f"url:{self.url}"[:300]
        raw = f"{self.author}\n{self.posted_at.astimezone(JST).isoformat()}\n{self.text}"
        return "sha256:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ImportError_(Exception):
    """Raised with every row's problem; nothing was imported."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_time(value: str, now: datetime) -> datetime:
    """An ISO 8601 or 「2025/04/01 09:30」 time (Japan time when no offset); ``ValueError`` in Japanese."""
    value = value.strip()
    if not value:
        raise ValueError("投稿日時がありません")
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(
            f"投稿日時「{value[:40]}」を読めません（例: 2025-04-01 09:30 または 2025-04-01T09:30:00+09:00）"
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=JST)
    if parsed > now + FUTURE_SKEW:
        raise ValueError(f"投稿日時「{value[:40]}」が未来の日時です")
    return parsed


def validate(raw: Mapping[str, Any], now: datetime) -> CommentInput:
    """One comment from a mapping of the generic fields; ``ValueError`` with every problem of the row."""
    problems: list[str] = []

    def text_of(key: str) -> str:
        value = raw.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            problems.append(f"{key} は文字列で指定してください")
            return ""
        return value.strip()

    author = text_of("author").lstrip("@")
    text = text_of("text")
    url = text_of("url")
    external_id = text_of("external_id")
    in_reply_to = text_of("in_reply_to")
    posted_raw = text_of("posted_at")
    if not author:
        problems.append("投稿者がありません")
    elif len(author) > MAX_HANDLE:
        problems.append(f"投稿者が長すぎます（{MAX_HANDLE}文字まで）")
    if not text:
        problems.append("本文がありません")
    elif len(text) > MAX_TEXT:
        problems.append(f"本文が長すぎます（{MAX_TEXT}文字まで）")
    for label, value in (("コメントのURL", url), ("返信先の投稿のURL", in_reply_to)):
        if value:
            try:
                _URL(value)
            except ValidationError:
                problems.append(
                    f"{label}「{value[:60]}」が正しくありません（http:// か https:// で始まるURL）"
                )
            if len(value) > 500:
                problems.append(f"{label}が長すぎます（500文字まで）")
    if len(external_id) > 200:
        problems.append("コメントIDが長すぎます（200文字まで）")
    posted_at = None
    try:
        posted_at = parse_time(posted_raw, now)
    except ValueError as exc:
        problems.append(str(exc))
    if problems or posted_at is None:
        raise ValueError("、".join(problems))
    return CommentInput(author, text, posted_at, url, external_id, in_reply_to)


def _norm(header: str) -> str:
    return "".join(header.split()).lower().lstrip("\ufeff")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportError_(["ファイルの文字コードを読めません（UTF-8 か Shift_JIS のCSVにしてください）"])


def detect_format(headers: Iterable[str]) -> str:
    names = {_norm(h) for h in headers}
    return "line" if {_norm(h) for h in LINE_HEADERS} <= names else "generic"


def _generic_rows(
    reader: csv.DictReader, headers: list[str]
) -> tuple[list[dict[str, str] | None], list[str]]:
    columns: dict[str, str] = {}
    for field, aliases in GENERIC_HEADERS.items():
        for h in headers:
            if _norm(h) in aliases:
                columns[field] = h
                break
    missing = [f for f in ("author", "text", "posted_at") if f not in columns]
    if missing:
        names = {"author": "author（投稿者）", "text": "text（本文）", "posted_at": "posted_at（投稿日時）"}
        return [], [f"1行目（見出し）: 必要な列がありません: {'、'.join(names[m] for m in missing)}"]
    rows: list[dict[str, str] | None] = []
    for record in reader:
        if None in record:  # more cells than headers
            rows.append(
                {
                    "__line__": str(reader.line_num),
                    "__error__": '列の数が見出しより多くなっています（本文の , は " で囲んでください）',
                }
            )
            continue
        rows.append(
            {
                "__line__": str(reader.line_num),
                **{field: record.get(col) or "" for field, col in columns.items()},
            }
        )
    return rows, []


def _line_rows(reader: csv.DictReader, headers: list[str]) -> tuple[list[dict[str, str] | None], list[str]]:
    by_norm = {_norm(h): h for h in headers}
    col = {name: by_norm[_norm(name)] for name in LINE_HEADERS}
    rows: list[dict[str, str] | None] = []
    for record in reader:
        if None in record:
            rows.append({"__line__": str(reader.line_num), "__error__": "列の数が見出しより多くなっています"})
            continue
        if (record.get(col["送信者タイプ"]) or "").strip().lower() in LINE_OWN_SENDERS:
            rows.append(None)  # the account's own message: skipped, not an error
            continue
        rows.append(
            {
                "__line__": str(reader.line_num),
                "author": record.get(col["送信者名"]) or "",
                "text": record.get(col["内容"]) or "",
                "posted_at": f"{(record.get(col['送信日']) or '').strip()} {(record.get(col['送信時刻']) or '').strip()}".strip(),
            }
        )
    return rows, []


def read_csv(data: bytes, now: datetime) -> tuple[str, list[CommentInput], int]:
    """(format, comments, rows skipped as the account's own) from a CSV file; ``ImportError_`` lists every bad row."""
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = reader.fieldnames or []
    if not headers:
        raise ImportError_(["CSVが空です（1行目に見出しが必要です）"])
    fmt = detect_format(headers)
    rows, errors = (_line_rows if fmt == "line" else _generic_rows)(reader, list(headers))
    if errors:
        raise ImportError_(errors)
    if len(rows) > MAX_ROWS:
        raise ImportError_([f"一度に取り込めるのは {MAX_ROWS} 行までです（{len(rows)} 行あります）"])
    comments: list[CommentInput] = []
    skipped = 0
    for row in rows:
        if row is None:
            skipped += 1
            continue
        number = row.pop("__line__")
        if "__error__" in row:
            errors.append(f"{number}行目: {row['__error__']}")
            continue
        if not any((v or "").strip() for v in row.values()):
            continue  # an empty line
        try:
            comments.append(validate(row, now))
        except ValueError as exc:
            errors.append(f"{number}行目: {exc}")
    if errors:
        raise ImportError_(errors)
    if not comments:
        raise ImportError_(["取り込むコメントがありません"])
    return fmt, comments, skipped
