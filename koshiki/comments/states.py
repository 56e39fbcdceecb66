"""The comments app's fixed vocabularies (importable without Django set-up)."""

from __future__ import annotations

from django.db.models import TextChoices


class Source(TextChoices):
    """How a comment reached the inbox."""

    PASTE = "paste", "貼り付け"
    CSV = "csv", "CSVの取込み"
    API = "api", "API（POST /api/comments）"


class CommentState(TextChoices):
    """Where a comment stands; each change is a decision row (``ModerationDecision``, ``ReplyLink``)."""

    OPEN = "open", "未対応"
    PENDING = "pending", "非表示・削除の確認待ち"
    HIDDEN = "hidden", "非表示"
    DELETED = "deleted", "削除"
    NO_ACTION = "no_action", "対応不要"
    REPLYING = "replying", "返信の準備中"
    REPLIED = "replied", "返信済み"


class DecisionKind(TextChoices):
    """What a moderation decision does to the comment on the platform."""

    HIDE = "hide", "非表示にする"
    DELETE = "delete", "削除する"
    NO_ACTION = "no_action", "対応不要とする"
    REVERSE = "reverse", "取消し（元に戻す）"


class DecisionState(TextChoices):
    """A decision is in force, waiting for the second person, refused by them, or reversed."""

    PENDING = "pending", "確認待ち"
    IN_FORCE = "in_force", "実施"
    REFUSED = "refused", "確認で不承認"
    REVERSED = "reversed", "取消し済み"


class ReplyKind(TextChoices):
    """A reply draft answers the comment, or only says the answer will follow (京都市4(3)イ)."""

    ANSWER = "answer", "回答"
    INTERIM = "interim", "一次回答（確認してお答えします）"


class FollowKind(TextChoices):
    """Whose account an official account follows (狛江市第6条(1), 石巻市3(3)イ)."""

    CITY_ACCOUNT = "city_account", "市の他の公式アカウント"
    PUBLIC_BODY = "public_body", "国・自治体・公共機関の公式アカウント"
    RELATED_BODY = "related_body", "関係団体のアカウント"
    OTHER = "other", "その他（民間・個人など）"


# Suggested actions of koshiki.checker.comments, in Japanese.
ACTION_LABELS = {
    "none": "対応不要",
    "reply": "返信する",
    "interim_reply": "一次回答をして後日回答する",
    "redirect_to_official_email": "市の問い合わせメールへ案内する",
    "hide_or_delete": "非表示・削除を検討する",
    "escalate": "関係機関・所管課と共有する",
}
# Actions that call for a reply draft.
REPLY_ACTIONS = frozenset({"reply", "interim_reply", "redirect_to_official_email"})

# comment.* rule ids of koshiki.checker.comments in Japanese (RULES.md "Comment rules").
CATEGORY_LABELS = {
    "comment.law_violation": "法令違反",
    "comment.defamation": "誹謗中傷",
    "comment.politics_religion": "政治・宗教活動",
    "comment.ip_infringement": "知的財産権の侵害",
    "comment.commercial": "広告・宣伝・営利",
    "comment.discrimination": "差別",
    "comment.public_order": "公序良俗違反",
    "comment.false_info": "虚偽・根拠のない情報",
    "comment.privacy": "プライバシーの侵害",
    "comment.other": "その他不適切",
}
