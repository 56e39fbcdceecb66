"""Forms of the organisation page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from koshiki.org.models import OrgUnit
from koshiki.org.roles import Role


class UnitForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="種別", choices=OrgUnit.Kind.choices)
    parent = forms.ModelChoiceField(
        label="上位組織", queryset=OrgUnit.objects.none(), required=False, empty_label="（最上位）"
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units


class RoleForm(forms.Form):
    user = forms.ModelChoiceField(
        label="職員", queryset=get_user_model().objects.filter(is_active=True).order_by("username")
    )
    role = forms.ChoiceField(label="役割", choices=Role.choices)
    unit = forms.ModelChoiceField(label="組織", queryset=OrgUnit.objects.none(), required=False)
    account = forms.ModelChoiceField(label="アカウント", queryset=None, required=False)
    company = forms.CharField(label="会社・団体名（委託業者・指定管理者）", max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["account"].queryset = accounts
