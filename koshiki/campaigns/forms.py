"""Forms of the campaign pages and of the third party's submission page."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from koshiki.campaigns.actions import MAX_SUBMISSION_TEXT
from koshiki.campaigns.states import PosterKind
from koshiki.posts.checking import MAX_TEXT
from koshiki.posts.forms import TEXT_WIDGET, WhenMixin
from koshiki.posts.media_forms import MultipleFileField, MultipleFileInput
from koshiki.ui.forms import WarekiDateField, confirm_field


class CampaignForm(forms.Form):
    account = forms.ModelChoiceField(label="担当アカウント", queryset=None, empty_label=None)
    name = forms.CharField(label="事業名", max_length=200)
    poster_name = forms.CharField(label="発信者（委託事業者・インフルエンサーの名前）", max_length=200)
    poster_kind = forms.ChoiceField(label="発信者の区分", choices=PosterKind.choices)
    poster_account = forms.CharField(label="発信者のアカウント（URL・ID）", max_length=300, required=False)
    subject = forms.CharField(
        label="マーケティング主体（#は付けない）",
        max_length=100,
        required=False,
        help_text="空欄なら自治体名。実行委員会が依頼元のときはその名前（京都市6(2)）。",
    )
    expires_on = WarekiDateField(label="提出リンクの有効期限（この日の終わりまで）")

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts

    def expires_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["expires_on"], time(23, 59, 59)))


class LinkForm(forms.Form):
    expires_on = WarekiDateField(label="新しい有効期限（この日の終わりまで）", required=False)

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59))) if day else None


class ThirdPartyForm(forms.Form):
    submitter_name = forms.CharField(label="お名前（会社名・アカウント名）", max_length=200)
    text = forms.CharField(
        label="投稿する本文",
        max_length=MAX_SUBMISSION_TEXT,
        strip=False,
        widget=TEXT_WIDGET,
        error_messages={
            "max_length": f"本文は{MAX_SUBMISSION_TEXT:,}字までにしてください（%(show_value)d字あります）。"
        },
    )
    files = MultipleFileField(
        label="投稿する画像・動画（任意。JPEG・PNG・WebP・HEIC・GIF・MP4・MOV）",
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": "image/*,video/mp4,video/quicktime"}),
    )
    strip_metadata = forms.BooleanField(
        label="提出する前に、撮影場所（GPS）やカメラの情報をファイルから削除する",
        required=False,
        initial=True,
    )


class PrecheckForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "投稿を認める"), ("return", "修正を依頼する")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label="コメント（修正を依頼するときは必須）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, warnings: list[dict[str, Any]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.warning_fields = []
        for i, finding in enumerate(warnings):
            name = f"waiver_{i}"
            self.fields[name] = forms.CharField(
                label=f"了承の理由: {finding['message']}", required=False, max_length=1000
            )
            self.warning_fields.append((finding, name))

    def waivers(self, key_of: Any) -> dict[str, str]:
        return {key_of(f): self.cleaned_data.get(name, "") for f, name in self.warning_fields}


class CampaignPublicationForm(WhenMixin):
    url = forms.URLField(label="投稿のURL", max_length=500, assume_scheme="https")
    text = forms.CharField(
        label="投稿された本文（貼り付け）",
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    confirm = confirm_field("投稿の記録")
