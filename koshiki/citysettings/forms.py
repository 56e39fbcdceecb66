"""The settings form: one field per editable setting, built from the checker's list."""

from __future__ import annotations

from typing import Any

from django import forms

from koshiki.checker.profiles import Profile
from koshiki.checker.settings import display_value, editable_settings


class CitySettingsForm(forms.Form):
    """Text fields only: ``do_change_city_settings`` parses and validates (one place for the rules)."""

    def __init__(self, *args: Any, profile: Profile, base: Profile, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {s.key: display_value(profile.param(s.key)) for s in editable_settings()}
        )
        super().__init__(*args, **kwargs)
        for item in editable_settings():
            inherited = display_value(base.param(item.key)).replace("\n", "、") or "（なし）"
            widget = (
                forms.Textarea(attrs={"rows": 3})
                if item.is_list or item.key == "operating_hours_text"
                else None
            )
            self.fields[item.key] = forms.CharField(
                label=item.label,
                required=False,
                widget=widget,
                help_text=f"{item.help} プロファイルの値: {inherited}",
            )
        self.fields["reason"] = forms.CharField(
            label="変更の理由", required=False, max_length=500, help_text="監査記録に残ります。"
        )
