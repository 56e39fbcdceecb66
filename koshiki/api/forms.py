"""The form for issuing an API token: a name and an optional last day of validity."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from koshiki.ui.forms import WarekiDateField


class TokenForm(forms.Form):
    """Name the tool that will use the token; leave the date empty for no expiry."""

    name = forms.CharField(
        label="名前（使う道具や用途）",
        max_length=100,
        help_text="例: ブラウザ拡張（広報課の共用PC）、CMS連携",
        error_messages={
            "required": "トークンの名前を入力してください",
            "max_length": "名前は100文字以内で入力してください",
        },
    )
    expires_on = WarekiDateField(label="有効期限（この日の終わりまで有効）", required=False)

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in Japan time (the next day's 0:00), or None."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
