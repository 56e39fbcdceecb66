"""The vocabularies of incidents: kinds, states, evidence kinds, timeline entry kinds (importable without set-up)."""

from __future__ import annotations

from django.db.models import TextChoices


class Kind(TextChoices):
    """The kinds of incident of issue 7 item 5; each profile's playbook covers every one."""

    FLAMING = "flaming", "炎上"
    IMPERSONATION = "impersonation", "なりすまし"
    HIJACK = "hijack", "乗っ取り（心当たりのない投稿）"
    FALSE_INFO = "false_info", "市に関する事実と異なる情報"
    MISTAKEN_POST = "mistaken_post", "誤った投稿"
    LEAK = "leak", "情報の漏えい"
    MENTION = "mention", "市に関する重要な記述の発見"


class IncidentStatus(TextChoices):
    OPEN = "open", "対応中"
    CLOSED = "closed", "完了"


class EvidenceKind(TextChoices):
    URL = "url", "URL"
    TEXT = "text", "本文の写し"
    FILE = "file", "画面の保存（ファイル）"


class EntryKind(TextChoices):
    OPENED = "opened", "起票"
    STEP = "step", "手順の完了"
    EVIDENCE = "evidence", "記録の保存"
    NOTE = "note", "経過メモ"
    SECOND = "second", "二人目の職員"
    NOTIFIED = "notified", "連絡"
    FREEZE = "freeze", "緊急停止"
    UNFREEZE = "unfreeze", "緊急停止の解除"
    IMPERSONATION = "impersonation", "なりすましの確認"
    NOTICE = "notice", "注意喚起の掲載"
    CLOSED = "closed", "完了報告"
