"""The registry's fixed vocabularies (importable without Django set-up).

The procedures files of the profiles pick from these: which states a city
uses and which steps lead between them is data; the names are code.
"""

from __future__ import annotations

from django.db.models import TextChoices


class Status(TextChoices):
    """Where an account stands in its lifecycle (申請から廃止まで)."""

    DRAFT = "draft", "申請準備中"
    CONSULTING = "consulting", "事前協議・検討済み"
    SECTION_REVIEW = "section_review", "所属長確認中"
    UNDER_REVIEW = "under_review", "審査中"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済み（開設前）"
    ACQUIRED = "acquired", "開設済み（登録前）"
    LISTING_REQUESTED = "listing_requested", "一覧掲載依頼中"
    REGISTERED = "registered", "公式登録済み"
    LISTED = "listed", "運用中（一覧掲載）"
    SUSPENDED = "suspended", "休止中"
    CLOSING = "closing", "廃止・停止手続中"
    RETAINED = "retained", "運用停止（アカウント保全）"
    CLOSED = "closed", "廃止済み"
    WITHDRAWN = "withdrawn", "取下げ"


# The account exists on the platform (what the checker calls "active"/"suspended").
EXISTING_STATES = frozenset(
    {
        Status.ACQUIRED,
        Status.LISTING_REQUESTED,
        Status.REGISTERED,
        Status.LISTED,
        Status.SUSPENDED,
        Status.CLOSING,
        Status.RETAINED,
    }
)
# Before the account exists: the application is still being prepared or reviewed.
APPLICATION_STATES = frozenset(
    {
        Status.DRAFT,
        Status.CONSULTING,
        Status.SECTION_REVIEW,
        Status.UNDER_REVIEW,
        Status.RETURNED,
        Status.APPROVED,
    }
)
# Details may be edited directly (no change notice) only while the application is with the section.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.CONSULTING, Status.RETURNED})
FINAL_STATES = frozenset({Status.CLOSED, Status.WITHDRAWN})


class Platform(TextChoices):
    X = "x", "X（旧Twitter）"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    LINE = "line", "LINE"
    YOUTUBE = "youtube", "YouTube"
    OTHER = "other", "その他"


class Genre(TextChoices):
    """The public list's genres (京都市 様式2 掲載ジャンル)."""

    LIVING = "living", "暮らしの情報"
    TOURISM = "tourism", "観光・文化・産業"
    HEALTH = "health", "健康・福祉・教育"
    TOWN = "town", "まちづくり"
    GOVERNMENT = "government", "市政情報"


class OperatorKind(TextChoices):
    """Who runs the account (石巻市2: 市・指定管理者・委託業者)."""

    CITY = "city", "市（直営）"
    DESIGNATED_MANAGER = "designated_manager", "指定管理者"
    CONTRACTOR = "contractor", "委託業者"


class ReplyPolicy(TextChoices):
    """投稿に対する返信 (京都市4(1)ア(ク), 石巻市3(1)ア(カ))."""

    NONE = "none", "返信しない"
    AS_NEEDED = "as_needed", "必要に応じて返信する"


class PolicyKind(TextChoices):
    """The public operation policy, and Kawasaki's non-public operating rule (川崎市5(4)(5))."""

    PUBLIC = "public", "運用ポリシー"
    INTERNAL_RULE = "internal_rule", "アカウント運用ルール（非公開）"


# The 運用ポリシー 様式1 fields (京都市様式1, 石巻市様式1) in form order, with labels.
POLICY_FIELDS: dict[str, str] = {
    "unit_label": "開設所属",
    "responsible": "責任者",
    "content": "発信情報",
    "purpose": "利用目的",
    "platform_label": "利用するソーシャルメディアの種類",
    "account_name": "アカウント（登録名称）",
    "registered_url": "登録URL",
    "period_start": "運用開始日",
    "period_end": "運用終了日",
    "operating_hours": "運用時間",
    "reply_policy": "投稿に対する返信",
    "remarks": "備考",
    "notes": "注意事項",
    "ip_rights": "知的財産権",
    "disclaimer": "免責事項",
    "other": "その他の定め",
    # 狛江市ポリシー見本第6条・石巻市3(3)イ: フォローの方針（どのアカウントをフォローするか）。
    "follow_policy": "フォローの方針",
}
