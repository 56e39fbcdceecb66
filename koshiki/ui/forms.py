"""Form pieces shared by every app: the era-date field (令和7年4月1日), yes/no/unknown, a person chooser."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from koshiki.fiscal import parse_wareki, to_wareki

DATE_HELP = "「令和7年4月1日」「R7.4.1」または「2025-04-01」の形で入力してください。"


class WarekiDateField(forms.DateField):
    """A date typed as 令和7年4月1日 / R7.4.1 / 2025-04-01; shown back in the era form."""

    widget = forms.TextInput(attrs={"placeholder": "令和7年4月1日", "autocomplete": "off", "size": 16})
    default_error_messages = {"invalid": f"日付として読めません。{DATE_HELP}"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if text[:1].isdigit():
            try:
                return date.fromisoformat(text.replace("/", "-").replace(".", "-"))
            except ValueError:
                parts = text.replace("/", "-").replace(".", "-").split("-")
                if len(parts) == 3 and all(p.isdigit() for p in parts):
                    try:
                        return date(int(parts[0]), int(parts[1]), int(parts[2]))
                    except ValueError:
                        raise ValidationError(f"存在しない日付です: 「{value}」", code="invalid") from None
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        try:
            return parse_wareki(text)
        except ValueError as exc:
            raise ValidationError(f"{exc}。{DATE_HELP}", code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            try:
                return to_wareki(value)
            except ValueError:
                return value.isoformat()
        return value


class _NullBooleanJaSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "未確認"), ("true", "はい"), ("false", "いいえ")]


class NullBooleanJaField(forms.NullBooleanField):
    """はい / いいえ / 未確認 (an unknown security fact stays unknown, not "no")."""

    widget = _NullBooleanJaSelect


class PersonChoiceField(forms.ModelChoiceField):
    """A staff member shown as 「佐藤 一郎（koho.kacho）」 (family name first)."""

    def label_from_instance(self, obj: Any) -> str:
        name = f"{obj.last_name} {obj.first_name}".strip()
        return f"{name}（{obj.get_username()}）" if name else obj.get_username()


def confirm_field(what: str) -> forms.BooleanField:
    """A required box in front of an irreversible action (issue 9 item 10), named ``confirm`` in the form.

    ``what`` names the act (「一覧への掲載」); the form is invalid until the box is
    ticked, with or without JavaScript.
    """
    return forms.BooleanField(
        label=f"{what}は取り消せないことを確認しました",
        required=True,
        error_messages={"required": f"{what}は取り消せません。確認の欄にチェックを入れてください。"},
    )
