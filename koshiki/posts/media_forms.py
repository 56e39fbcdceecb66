"""Forms of the media pages: upload, alternative text, rights and consent."""

from __future__ import annotations

from typing import Any

from django import forms

from koshiki.attachments.models import RIGHTS_LABELS, Consent


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: cleans to a list (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    """Several files at once (the input carries ``multiple``)."""

    files = MultipleFileField(
        label="画像・動画ファイル（JPEG・PNG・WebP・HEIC・GIF・MP4・MOV）",
        widget=MultipleFileInput(attrs={"multiple": True, "accept": "image/*,video/mp4,video/quicktime"}),
        required=False,
    )


class DescribeForm(forms.Form):
    alt_text = forms.CharField(
        label="代替テキスト（画像の内容を文章で）", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    decorative = forms.BooleanField(label="装飾のための画像で、代替テキストは不要", required=False)
    location_intended = forms.BooleanField(
        label="写っている場所を意図して示す（公共の会場など）: 位置情報を残してよい", required=False
    )


class RecordForm(forms.Form):
    """Rights and consent of the file (recorded per file, reused when the same file is used again)."""

    rights_basis = forms.ChoiceField(
        label="権利の根拠", choices=[("", "（未記録）"), *RIGHTS_LABELS.items()], required=False
    )
    rights_holder = forms.CharField(
        label="作成者・権利者（誰が撮影・作成したか）", max_length=200, required=False
    )
    rights_note = forms.CharField(
        label="利用の条件（ライセンス名・契約・提供の条件）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    people_shown = forms.BooleanField(label="個人が特定できる人が写っている", required=False)
    consent = forms.ChoiceField(label="同意の根拠", choices=Consent.choices, required=False)
    consent_who = forms.CharField(label="同意した人・団体（未成年は保護者）", max_length=200, required=False)
    consent_scope = forms.CharField(label="同意の範囲（何に使ってよいか）", max_length=300, required=False)
    consent_until = forms.DateField(
        label="同意の期限（なければ空欄）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_document = forms.FileField(label="同意書（PDF・画像、任意）", required=False)
    screen_shown = forms.BooleanField(label="画面・書類・名札・ホワイトボードが写っている", required=False)
    screen_public = forms.BooleanField(label="写っているのは公開済みの資料・市の公開ページ", required=False)
