"""Forms of the comment pages; they parse input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms

from koshiki.comments.importers import MAX_TEXT
from koshiki.comments.procedures import CommentProcedures
from koshiki.comments.states import CATEGORY_LABELS, CommentState, DecisionKind, FollowKind, ReplyKind

_TEXTAREA = {"rows": 3}


class FilterForm(forms.Form):
    """The inbox filters (GET): account, state, category, date range."""

    account = forms.TypedChoiceField(label="アカウント", required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label="状態", required=False, choices=[("", "すべて"), *CommentState.choices])
    category = forms.ChoiceField(
        label="区分", required=False, choices=[("", "すべて"), ("none", "指摘なし"), *CATEGORY_LABELS.items()]
    )
    date_from = forms.DateField(
        label="投稿日（から）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="投稿日（まで）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, accounts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "すべて"), *((a.pk, str(a.display_name)) for a in accounts)]


class CsvImportForm(forms.Form):
    account = forms.TypedChoiceField(label="アカウント", coerce=int)
    file = forms.FileField(
        label="CSVファイル",
        help_text="汎用CSV（author, text, posted_at, url, id, in_reply_to の列）か、LINE公式アカウントのチャット履歴CSV。UTF-8 か Shift_JIS。",
    )

    def __init__(self, *args: Any, accounts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.pk, f"{a.display_name}（{a.platform_name}）") for a in accounts]


class PasteForm(forms.Form):
    account = forms.TypedChoiceField(label="アカウント", coerce=int)
    author = forms.CharField(label="投稿者（ID）", max_length=200)
    text = forms.CharField(label="本文", max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    posted_at = forms.CharField(label="投稿日時", help_text="例: 2025-04-01 09:30（日本時間）")
    url = forms.CharField(label="コメントのURL", required=False)
    in_reply_to = forms.CharField(
        label="返信先の投稿のURL",
        required=False,
        help_text="投稿の記録のURLと同じなら、その投稿に結び付けます",
    )

    def __init__(self, *args: Any, accounts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.pk, f"{a.display_name}（{a.platform_name}）") for a in accounts]


class ModerationForm(forms.Form):
    kind = forms.ChoiceField(
        label="判断",
        choices=[(k, v) for k, v in DecisionKind.choices if k != DecisionKind.REVERSE],
        widget=forms.RadioSelect,
    )
    rule = forms.ChoiceField(label="運用ポリシーの条項（非表示・削除のとき）", required=False)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs=_TEXTAREA), max_length=2000)

    def __init__(self, *args: Any, clauses: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "選んでください"), *clauses]


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="確認の結果",
        choices=[("yes", "認める（実施する）"), ("no", "認めない（未対応に戻す）")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="コメント（認めないときは必須）", required=False, widget=forms.Textarea(attrs=_TEXTAREA)
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(label="取り消す理由", widget=forms.Textarea(attrs=_TEXTAREA), max_length=2000)


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label="返信の種類", choices=ReplyKind.choices, widget=forms.RadioSelect, initial=ReplyKind.ANSWER
    )
    exception = forms.ChoiceField(label="返信しない方針の例外", required=False)
    template = forms.ChoiceField(
        label="一次回答の文例（一次回答のとき）", required=False, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="回答の本文（回答のとき）",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, procedures: CommentProcedures, needs_exception: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedures = procedures
        if needs_exception:
            self.fields["exception"].required = True
            self.fields["exception"].choices = [("", "選んでください")] + [
                (e.id, f"{e.clause} {e.label}") for e in procedures.reply_exceptions
            ]
        else:
            del self.fields["exception"]
        self.fields["template"].choices = [(str(i), t) for i, t in enumerate(procedures.interim_templates)]
        self.fields["template"].initial = "0"

    def reply_text(self) -> str:
        """The interim template chosen, or the answer typed."""
        data = self.cleaned_data
        if data["kind"] == ReplyKind.INTERIM:
            index = int(data.get("template") or 0)
            return self.procedures.interim_templates[index]
        return data.get("text", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ReplyKind.ANSWER and not (data.get("text") or "").strip():
            self.add_error("text", "回答の本文を入力してください")
        return data


class FollowForm(forms.Form):
    handle = forms.CharField(label="フォロー先のID", max_length=200)
    name = forms.CharField(label="フォロー先の名称", max_length=200)
    url = forms.URLField(label="フォロー先のURL", required=False, max_length=500, assume_scheme="https")
    kind = forms.ChoiceField(label="フォロー先の種類", choices=FollowKind.choices)
    reason = forms.CharField(
        label="フォローする理由", widget=forms.Textarea(attrs=_TEXTAREA), max_length=2000
    )
    no_prohibited_content = forms.BooleanField(
        label="フォロー先が禁止される内容（運用ポリシーの注意事項）を発信していないことを確認した",
        required=False,
    )


class EndFollowForm(forms.Form):
    reason = forms.CharField(label="解除の理由", max_length=2000)


class PublishForm(forms.Form):
    month = forms.DateField(
        label="対象月", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"]
    )
