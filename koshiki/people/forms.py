"""Forms of the organisation page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from koshiki.identifiers import IdentifierError, normalise_login_id
from koshiki.org.models import OrgUnit
from koshiki.org.roles import Role
from koshiki.ui.forms import PersonChoiceField


class UnitForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="種別", choices=OrgUnit.Kind.choices)
    parent = forms.ModelChoiceField(
        label="上位組織", queryset=OrgUnit.objects.none(), required=False, empty_label="（最上位）"
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units


class UnitRenameForm(forms.Form):
    """A new name for one unit (機構改革), with the reason kept in the audit trail."""

    unit = forms.ModelChoiceField(label="名称を変更する組織", queryset=OrgUnit.objects.none())
    name = forms.CharField(label="新しい名称", max_length=100)
    reason = forms.CharField(
        label="変更の理由",
        max_length=500,
        help_text="例: 令和8年4月1日の機構改革。監査ログに残ります。",
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RoleForm(forms.Form):
    user = PersonChoiceField(label="職員", queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label="役割", choices=Role.choices)
    unit = forms.ModelChoiceField(label="組織", queryset=OrgUnit.objects.none(), required=False)
    account = forms.ModelChoiceField(label="アカウント", queryset=None, required=False)
    company = forms.CharField(label="会社・団体名（委託業者・指定管理者）", max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, accounts: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["unit"].queryset = units
        self.fields["account"].queryset = accounts


class PersonForm(forms.Form):
    """A new staff member with a login and their first role (職員の追加)."""

    username = forms.CharField(
        label="ログインID", max_length=150, help_text="半角英数字と . _ - など（例: koho.tanaka）。"
    )
    family_name = forms.CharField(label="姓", max_length=150)
    given_name = forms.CharField(label="名", max_length=150, required=False)
    email = forms.EmailField(label="メールアドレス", required=False)
    password = forms.CharField(
        label="初期パスワード",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            "パスワードの条件（12文字以上など）を満たすもの。本人に伝えます。"
            "最初のログインで本人が自分のパスワードに変更するまで、ほかの画面は使えません。"
        ),
    )
    role = forms.ChoiceField(label="役割", choices=Role.choices)
    unit = forms.ModelChoiceField(label="組織", queryset=OrgUnit.objects.none(), required=False)
    account = forms.ModelChoiceField(label="アカウント", queryset=None, required=False)
    company = forms.CharField(label="会社・団体名（委託業者・指定管理者）", max_length=200, required=False)

    def clean_username(self) -> str:
        try:
            return normalise_login_id(self.cleaned_data["username"])
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from None

    def __init__(self, *args: Any, units: Any, accounts: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "person")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["account"].queryset = accounts
