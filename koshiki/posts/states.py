"""The posts app's fixed vocabularies (importable without Django set-up)."""

from __future__ import annotations

from django.db.models import TextChoices


class DraftKind(TextChoices):
    POST = "post", "投稿"
    REPLY = "reply", "返信"
    CORRECTION = "correction", "訂正"


class DraftStatus(TextChoices):
    """Where a draft stands: written, waiting for approval, cleared, published."""

    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "承認待ち"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済み（投稿可）"
    PUBLISHED = "published", "投稿済み"
    WITHDRAWN = "withdrawn", "取下げ"


# A draft may be edited (a new revision) in these states; an edit of an
# approved draft returns it to DRAFT and needs approval again (issue 4.3).
EDITABLE = frozenset({DraftStatus.DRAFT, DraftStatus.RETURNED, DraftStatus.APPROVED})
# The author may ask for approval or post under a scope from these.
SUBMITTABLE = frozenset({DraftStatus.DRAFT, DraftStatus.RETURNED})


class RunStatus(TextChoices):
    """One run of the approval chain for one revision (Wagtail: WorkflowState)."""

    IN_PROGRESS = "in_progress", "承認手続中"
    APPROVED = "approved", "承認"
    RETURNED = "returned", "差戻し"
    CANCELLED = "cancelled", "取消し"


class Decision(TextChoices):
    APPROVE = "approve", "承認"
    RETURN = "return", "差戻し"


class SecondCheckResult(TextChoices):
    CONFIRMED = "confirmed", "確認した（問題なし）"
    PROBLEM = "problem", "問題あり"


class SecondCheckRequestStatus(TextChoices):
    """A request that a colleague check a draft before it is posted under a scope."""

    OPEN = "open", "依頼中"
    DONE = "done", "確認済み"
    CANCELLED = "cancelled", "取消し"


class CorrectionHandling(TextChoices):
    """How an error in a published post is handled; which ones a city allows is profile data."""

    CORRECT = "correct", "誤りを認めて訂正を投稿する（元の投稿は削除しない）"
    DELETE_AND_REPOST = "delete_and_repost", "元の投稿を削除し、訂正した内容を改めて投稿する"
    FIX_AND_APOLOGISE = "fix_and_apologise", "問題となった部分を修正し、謝罪する"


# The parts of a draft the checker reads: the text, each image's alt text, each link.
PART_TEXT = "text"
PART_LABELS = {"text": "本文", "alt": "画像の代替テキスト", "link": "リンク", "media": "添付ファイル"}


def part_label(part: str) -> str:
    """「本文」「画像の代替テキスト 2」「リンク 1」 for a stored part key (``alt:1``)."""
    kind, _, index = part.partition(":")
    label = PART_LABELS.get(kind, kind)
    return f"{label} {int(index) + 1}" if index.isdigit() else label
