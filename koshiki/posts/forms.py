"""Forms of the posts pages: they parse input into Python values; the actions decide."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from koshiki.posts.checking import MAX_LINKS, MAX_TEXT
from koshiki.posts.procedures import HANDLINGS, PostProcedures
from koshiki.posts.states import DraftKind, SecondCheckResult
from koshiki.ui.forms import WarekiDateField, confirm_field

ALT_TEXT_FIELDS = 4  # X and Instagram carousels: up to 4 images shown per post form

TEXT_WIDGET = forms.Textarea(
    attrs={"rows": 8, "class": "post-text", "spellcheck": "false", "aria-describedby": "findings"}
)


class DraftForm(forms.Form):
    """The editor: text, alt texts of the images, links (one per line)."""

    text = forms.CharField(
        label="本文",
        max_length=MAX_TEXT,
        strip=False,
        widget=TEXT_WIDGET,
        error_messages={"required": "本文を入力してください", "max_length": "本文が長すぎます"},
    )
    links = forms.CharField(
        label="リンク（1行に1つ）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "post-links"}),
        help_text="投稿に載せるURLを1行に1つ書きます。短縮URLではなく本来のURLを書いてください。",
    )

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(ALT_TEXT_FIELDS):
            self.fields[f"alt_text_{i}"] = forms.CharField(
                label=f"画像{i + 1}の代替テキスト",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1, "class": "post-alt"}),
            )
        if new:
            self.fields["kind"] = forms.ChoiceField(
                label="種類",
                choices=[(DraftKind.POST, "投稿"), (DraftKind.REPLY, "返信")],
                initial=DraftKind.POST,
            )
            self.fields["in_reply_to"] = forms.CharField(
                label="返信先（投稿のURLなど）", required=False, max_length=500
            )
            self.order_fields(["kind", "in_reply_to", "text"])

    def alt_texts(self) -> list[str]:
        return [self.cleaned_data.get(f"alt_text_{i}", "") for i in range(ALT_TEXT_FIELDS)]

    def link_list(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("links", "").splitlines()]
        return [line for line in lines if line]

    def clean_links(self) -> str:
        value = self.cleaned_data.get("links", "")
        if len([line for line in value.splitlines() if line.strip()]) > MAX_LINKS:
            raise forms.ValidationError(f"リンクは{MAX_LINKS}件までです")
        return value

    @staticmethod
    def initial_from(revision: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"text": revision.text, "links": "\n".join(revision.links)}
        for i, alt in enumerate(revision.alt_texts[:ALT_TEXT_FIELDS]):
            data[f"alt_text_{i}"] = alt
        return data


class WhenMixin(forms.Form):
    """A date in the era form plus a time: when something was published (Japan time)."""

    published_on = WarekiDateField(label="投稿日")
    published_time = forms.TimeField(
        label="投稿時刻",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "invalid": "時刻は「9:30」の形で入力してください",
            "required": "投稿時刻を入力してください",
        },
    )

    def published_at(self) -> datetime:
        day = self.cleaned_data["published_on"]
        clock: time = self.cleaned_data["published_time"]
        return timezone.make_aware(datetime.combine(day, clock))

    @classmethod
    def now_initial(cls) -> dict[str, Any]:
        now = timezone.localtime()
        return {"published_on": now.date(), "published_time": now.strftime("%H:%M")}


class PublicationForm(WhenMixin):
    url = forms.URLField(label="投稿のURL", max_length=500, assume_scheme="https")
    recorded_text = forms.CharField(
        label="投稿された本文（投稿画面からコピーして貼り付けてください）",
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="承認された本文と一致するかをハッシュで照合します。",
    )
    original_deleted = forms.BooleanField(label="元の誤った投稿を削除した", required=False)
    # A publication record cannot be undone (issue 9 item 10); the box stays the last field.
    confirm = confirm_field("投稿の記録")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"] = self.fields.pop("confirm")


class ScopePostForm(PublicationForm):
    scope = forms.ChoiceField(
        label="事前承認の範囲",
        error_messages={
            "required": "どの事前承認の範囲の投稿かを選んでください",
            "invalid_choice": "承認されている範囲から選んでください",
        },
    )
    no_second_check_reason = forms.CharField(
        label="別の職員が確認できなかった理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No silent default: the operator states which approved scope the post falls under.
        self.fields["scope"].choices = scopes if len(scopes) == 1 else [("", "（選んでください）"), *scopes]
        self.order_fields(["scope", "url", "published_on", "published_time", "recorded_text"])


class SecondCheckForm(forms.Form):
    result = forms.ChoiceField(
        label="確認の結果", choices=SecondCheckResult.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    revision = forms.IntegerField(widget=forms.HiddenInput)


class SecondCheckRequestForm(forms.Form):
    """Whom to ask for the second check: a named colleague, or anyone who may check (京都市4(1)イ(ウ)c)."""

    checker = forms.ChoiceField(label="確認を依頼する職員", required=False)

    def __init__(self, *args: Any, candidates: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["checker"].choices = [("", "指名しない（確認できる職員のだれでも）")] + [
            (str(u.pk), f"{u.last_name} {u.first_name}".strip() or u.get_username()) for u in candidates
        ]


class DecisionForm(forms.Form):
    """Approve (each warning acknowledged with a reason) or return with a comment."""

    decision = forms.ChoiceField(
        choices=[("approve", "承認する"), ("return", "差し戻す")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label="コメント（差し戻すときは必須）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, warnings: list[dict[str, Any]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.warning_fields = []
        for i, finding in enumerate(warnings):
            name = f"waiver_{i}"
            self.fields[name] = forms.CharField(
                label=f"了承の理由: {finding['message']}",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.warning_fields.append((finding, name))

    def waivers(self, key_of: Any) -> dict[str, str]:
        return {key_of(f): self.cleaned_data.get(name, "") for f, name in self.warning_fields}


class ScopesForm(forms.Form):
    def __init__(self, *args: Any, procedures: PostProcedures, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedures = procedures
        for scope in procedures.scopes:
            self.fields[f"scope_{scope.id}"] = forms.BooleanField(
                label=f"{scope.label}（{scope.clause}）" if scope.clause else scope.label, required=False
            )
            self.fields[f"note_{scope.id}"] = forms.CharField(
                label="具体的な内容（任意）",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def chosen(self) -> list[str]:
        return [s.id for s in self.procedures.scopes if self.cleaned_data.get(f"scope_{s.id}")]

    def notes(self) -> dict[str, str]:
        return {s.id: self.cleaned_data.get(f"note_{s.id}", "") for s in self.procedures.scopes}


class ReportConfirmForm(forms.Form):
    comment = forms.CharField(
        label="確認のコメント", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectionForm(forms.Form):
    handling = forms.ChoiceField(label="誤りへの対応", widget=forms.RadioSelect)
    reason = forms.CharField(label="どこが誤っていたか", widget=forms.Textarea(attrs={"rows": 3}))
    text = forms.CharField(label="訂正の投稿の本文", max_length=MAX_TEXT, strip=False, widget=TEXT_WIDGET)

    def __init__(self, *args: Any, procedures: PostProcedures, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling"].choices = [(h, HANDLINGS[h]) for h in procedures.correction_handlings]
        self.fields["handling"].initial = procedures.default_handling
        self.fields["handling"].help_text = f"ガイドラインの定め: {procedures.correction_clause}"
