"""Forms of the incident pages (they parse input; the actions decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from koshiki.incidents.states import Kind
from koshiki.registry.states import Platform


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label="事案の種類", choices=Kind.choices)
    account = forms.ModelChoiceField(
        label="対象の公式アカウント",
        queryset=None,
        required=False,
        empty_label="（なし: 市に関する記述・事実と異なる情報）",
    )
    title = forms.CharField(label="件名", max_length=200)
    description = forms.CharField(
        label="概要（いつ・どこで・何が）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


class EvidenceForm(forms.Form):
    url = forms.URLField(label="URL", required=False, max_length=1000, assume_scheme="https")
    text = forms.CharField(label="本文の写し", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(label="画面の保存（画像・PDF、5MBまで）", required=False)
    note = forms.CharField(label="説明", max_length=300, required=False)


class ImpersonationForm(forms.Form):
    platform = forms.ChoiceField(label="ソーシャルメディアの種類", choices=Platform.choices)
    handle = forms.CharField(label="なりすましのID", max_length=100)
    url = forms.URLField(label="なりすましのURL", required=False, max_length=500, assume_scheme="https")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300)
