"""The code field (TOTP or recovery code) and the office's reset form."""

from __future__ import annotations

from typing import Any

from django import forms

from koshiki.security import access


class CodeForm(forms.Form):
    code = forms.CharField(
        label="確認コード",
        max_length=20,
        help_text="認証アプリに表示されている6桁の数字。端末が手元にないときは予備コード（例: ABCD-EFGH-JKMN）。",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "size": 16, "spellcheck": "false"}
        ),
        error_messages={"required": "確認コードを入力してください"},
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="認証アプリに表示された6桁の数字",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10, "spellcheck": "false"}
        ),
        error_messages={"required": "認証アプリに表示された6桁の数字を入力してください"},
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = f"{obj.last_name} {obj.first_name}".strip()
        return f"{name}（{obj.get_username()}）" if name else obj.get_username()


class ResetForm(forms.Form):
    person = PersonChoiceField(
        label="職員",
        queryset=None,
        error_messages={
            "required": "リセットする職員を選んでください",
            "invalid_choice": "この職員の2段階認証はリセットできません",
        },
    )
    reason = forms.CharField(
        label="理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例: スマートフォンの機種変更で認証アプリが使えなくなったと本人から電話で申出。内線番号と職員番号で本人確認。",
        error_messages={"required": "リセットの理由を入力してください"},
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = access.resettable_by(actor).order_by("last_name", "first_name")
