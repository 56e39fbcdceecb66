"""Stored files, the rights and consent recorded per file, and each file as attached to a revision.

A ``MediaFile`` is one set of bytes, stored once under its SHA-256 in the
``koshiki_media`` storage, with what ``koshiki.media.probe`` read from it.
A ``MediaRecord`` holds who made it, on what terms, and whose consent covers
the people in it (京都市4(3)ウ, 狛江市4(3)エ, 川崎市5(11)エ, 安芸高田市5), per
city and per SHA-256, so the same photo used again carries its record with
it. An ``Attachment`` is a file as attached to one immutable revision, with
its alternative text: an approval of the revision covers exactly these
files, and any change makes a new revision.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from koshiki.checker.subjects import RIGHTS_BASES
from koshiki.org.models import Municipality

USER = settings.AUTH_USER_MODEL

RIGHTS_LABELS = {
    "own_work": "職員が職務で撮影・作成した",
    "commissioned": "委託して作成し、契約で権利の譲渡・許諾を受けた",
    "licensed": "利用許諾を受けた素材",
    "free_material": "利用条件が認めるフリー素材",
    "provided": "作者・権利者から提供を受けた",
}
assert set(RIGHTS_LABELS) == set(RIGHTS_BASES)


class Consent(models.TextChoices):
    """Why the people shown may be shown (RULES.md media.consent)."""

    NONE = "", "記録なし"
    PERSON = "person", "本人の同意"
    GUARDIAN = "guardian", "保護者の同意"
    ORGANISATION = "organisation", "所属団体・企業の同意"
    PUBLIC_OFFICIAL = "public_official", "公的な行事で職務として写る公人"


class MediaFile(models.Model):
    """One stored file (never changed): its SHA-256, format and what was read from it."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    format = models.CharField("形式", max_length=10)
    kind = models.CharField("種類", max_length=10)
    mime = models.CharField("MIMEタイプ", max_length=50)
    size = models.PositiveBigIntegerField("バイト数")
    width = models.PositiveIntegerField("幅", default=0)
    height = models.PositiveIntegerField("高さ", default=0)
    duration = models.FloatField("長さ（秒）", null=True, blank=True)
    location_tags = models.JSONField("位置情報のタグ", default=list, blank=True)
    location_text = models.CharField("位置情報", max_length=200, blank=True)
    metadata_tags = models.JSONField("その他のメタデータ", default=list, blank=True)
    faces = models.IntegerField("検出した顔の数", null=True, blank=True)
    notes = models.JSONField("読み取りの注記", default=list, blank=True)
    storage_name = models.CharField("保存名", max_length=200)
    preview_name = models.CharField("縮小画像の保存名", max_length=200, blank=True)
    cleaned_from = models.ForeignKey(
        "self",
        verbose_name="メタデータを削除する前のファイル",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cleaned_copies",
    )
    removed_tags = models.JSONField("削除したメタデータ", default=list, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", default=timezone.now)

    class Meta:
        verbose_name = "画像・動画ファイル"
        verbose_name_plural = "画像・動画ファイル"

    def __str__(self) -> str:
        return f"{self.format} {self.sha256[:12]}"

    @property
    def metadata_removed(self) -> bool:
        """Written by Koshiki's cleaner (from a stored original, or on a third party's upload)."""
        return self.cleaned_from_id is not None or bool(self.removed_tags)

    @property
    def has_metadata(self) -> bool:
        return bool(self.location_tags or self.metadata_tags)

    @property
    def size_label(self) -> str:
        return f"{self.size / 1024 / 1024:.1f}MB" if self.size >= 1024 * 1024 else f"{self.size / 1024:.0f}KB"


class MediaRecord(models.Model):
    """Rights and consent for one file in one city; reused wherever the same file is attached again."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField("SHA-256", max_length=64)
    rights_basis = models.CharField(
        "権利の根拠", max_length=20, blank=True, choices=[("", "記録なし"), *RIGHTS_LABELS.items()]
    )
    rights_holder = models.CharField("作成者・権利者", max_length=200, blank=True)
    rights_note = models.TextField("利用の条件（ライセンス・契約・提供の条件）", blank=True)
    people_shown = models.BooleanField("個人が特定できる人が写っている", default=False)
    consent = models.CharField("同意の根拠", max_length=20, blank=True, choices=Consent.choices)
    consent_who = models.CharField("同意した人・団体", max_length=200, blank=True)
    consent_scope = models.CharField("同意の範囲（何に使ってよいか）", max_length=300, blank=True)
    consent_until = models.DateField("同意の期限", null=True, blank=True)
    consent_document = models.ForeignKey(
        MediaFile,
        verbose_name="同意書",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    screen_shown = models.BooleanField("画面・書類・名札・ホワイトボードが写っている", default=False)
    screen_public = models.BooleanField("写っているのは公開済みの資料・市の公開ページ", default=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta:
        verbose_name = "画像・動画の権利と同意の記録"
        verbose_name_plural = "画像・動画の権利と同意の記録"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "sha256"], name="attachments_record_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} の記録"

    def consent_valid(self, today: Any) -> bool:
        """Consent recorded (not public official) and not past its date."""
        if self.consent in ("", Consent.PUBLIC_OFFICIAL):
            return False
        return self.consent_until is None or self.consent_until >= today

    def fingerprint(self) -> dict[str, Any]:
        """What the checker reads from the record (part of the revision's content hash)."""
        return {
            "rights": [self.rights_basis, self.rights_holder, self.rights_note],
            "consent": [
                self.people_shown,
                self.consent,
                self.consent_who,
                self.consent_scope,
                self.consent_until.isoformat() if self.consent_until else "",
                self.consent_document.sha256 if self.consent_document_id else "",
            ],
            "screen": [self.screen_shown, self.screen_public],
        }


class Attachment(models.Model):
    """One file as attached to one revision, with its alternative text (immutable like the revision)."""

    revision = models.ForeignKey("posts.Revision", on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField("順番")
    file = models.ForeignKey(MediaFile, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField("ファイル名", max_length=200)
    alt_text = models.TextField("代替テキスト", blank=True)
    decorative = models.BooleanField("装飾（代替テキスト不要）", default=False)
    location_intended = models.BooleanField("場所を意図して示す（公共の会場など）", default=False)

    class Meta:
        verbose_name = "添付ファイル"
        verbose_name_plural = "添付ファイル"
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "position"], name="attachments_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.revision} 添付{self.position + 1}「{self.name}」"
