"""Forms of the registry pages. They parse and validate input only; actions do the writing."""

from __future__ import annotations

from typing import Any

from django import forms

from koshiki.identifiers import IdentifierError, validate_handle
from koshiki.org import access as org_access
from koshiki.org.models import OrgUnit
from koshiki.registry.lifecycle import Procedures, Step
from koshiki.registry.models import Account, Device, RosterEntry
from koshiki.registry.states import POLICY_FIELDS, Genre, OperatorKind, Platform, PolicyKind, Status
from koshiki.ui.forms import NullBooleanJaField, PersonChoiceField, WarekiDateField, confirm_field

_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _check_details(form: forms.Form, data: dict[str, Any]) -> None:
    """Cross-field checks shared by the application and change-notice forms."""
    kind = data.get("operator_kind")
    if kind and kind != OperatorKind.CITY and not data.get("operator_company"):
        form.add_error(
            "operator_company", "委託業者・指定管理者が運用する場合は、会社・団体名を入力してください。"
        )
    if data.get("platform") == Platform.OTHER and not data.get("platform_other"):
        form.add_error("platform_other", "「その他」の場合はソーシャルメディアの名称を入力してください。")
    if data.get("handle"):
        platform = data.get("platform") or getattr(getattr(form, "instance", None), "platform", "") or "other"
        try:
            data["handle"] = validate_handle(platform, data["handle"])
        except IdentifierError as exc:
            form.add_error("handle", str(exc))
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        form.add_error("period_end", "運用終了日は運用開始日より後の日付にしてください。")


class _ParseOnlyModelForm(forms.ModelForm):
    """A ModelForm that only parses input: the action validates the model and writes it."""

    def _post_clean(self) -> None:
        # The model's constraints are checked again by the action; skip the ModelForm's own
        # instance update and full_clean so the instance stays untouched and a message is never
        # shown twice.
        pass


class _DetailsForm(_ParseOnlyModelForm):
    """The cross-field checks of the account details (``_check_details``) on clean."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_details(self, data)
        return data


class AccountDetailsForm(_DetailsForm):
    """The application's details (申請内容); also the edit form while the application is with the section."""

    period_start = WarekiDateField(label="運用開始日（予定）", required=False)
    period_end = WarekiDateField(label="運用終了日（定めがなければ空欄）", required=False)
    url = forms.URLField(
        label="登録URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="開設後にしか分からない場合は空欄で構いません。",
    )

    class Meta:
        model = Account
        fields = [
            "owning_unit",
            "platform",
            "platform_other",
            "display_name",
            "handle",
            "url",
            "operator_kind",
            "operator_company",
            "responsible_title",
            "purpose",
            "audience",
            "content",
            "reply_policy",
            "reply_policy_text",
            "period_start",
            "period_end",
            "operating_hours",
            "genre",
            "registration_email",
            "contact",
        ]
        widgets = {
            "purpose": _TEXTAREA,
            "audience": forms.Textarea(attrs={"rows": 2}),
            "content": _TEXTAREA,
            "reply_policy_text": forms.Textarea(attrs={"rows": 2}),
            "operating_hours": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "display_name": "ソーシャルメディアで登録する名称（例: みなと市広報課）。",
            "handle": "分かっていれば記入します（@は不要）。開設後に記録できます。",
            "url": "開設後にしか分からない場合は空欄で構いません。",
            "responsible_title": "例: 広報課長（所属長の職名）。",
            "audience": "誰に向けて発信するか。",
            "content": "どのような情報を発信するか（発信情報）。",
            "reply_policy_text": "空欄のときは自治体の定型文を使います。",
            "operating_hours": "空欄のときは自治体の定型文を使います。",
            "registration_email": "個人ではなく組織（課）のメールアドレスを使います。",
        }

    def __init__(
        self, *args: Any, units: Any = None, procedures: Procedures | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["owning_unit"].queryset = units
        else:
            del self.fields["owning_unit"]
        self.fields["genre"].required = False
        for name in ("purpose", "content"):
            self.fields[name].required = True
        if procedures is not None:
            if "responsible" in procedures.policy_required:
                self.fields["responsible_title"].required = True
            if "period_start" in procedures.policy_required:
                self.fields["period_start"].required = True

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("owning_unit", None)
        return {
            k: ("" if v is None and k not in ("period_start", "period_end") else v) for k, v in data.items()
        }


CHANGE_FIELDS = [
    "display_name",
    "handle",
    "url",
    "operator_kind",
    "operator_company",
    "purpose",
    "audience",
    "content",
    "reply_policy",
    "reply_policy_text",
    "period_start",
    "period_end",
    "operating_hours",
    "genre",
    "registration_email",
    "contact",
]


def _documents_field(step: Step) -> forms.Field | None:
    if not step.documents:
        return None
    return forms.MultipleChoiceField(
        label="提出した書類",
        choices=[(d.id, d.label) for d in step.documents],
        widget=forms.CheckboxSelectMultiple,
        required=True,
        help_text="この手続で提出する書類をすべて確認してチェックしてください。",
        error_messages={"required": "提出した書類を確認してチェックしてください。"},
    )


def _reasons_field(step: Step, label: str = "理由") -> forms.Field | None:
    if step.reasons == "none":
        return None
    return forms.CharField(
        label=label,
        widget=_TEXTAREA,
        required=step.reasons == "required",
        error_messages={"required": "理由を入力してください。"},
    )


class ChangeNoticeForm(_DetailsForm):
    """A change notice (変更届): the registered details, of which the changed ones are filed."""

    period_start = WarekiDateField(label="運用開始日", required=False)
    period_end = WarekiDateField(label="運用終了日", required=False)
    url = forms.URLField(label="登録URL", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Account
        fields = CHANGE_FIELDS
        widgets = AccountDetailsForm.Meta.widgets

    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["genre"].required = False
        reasons = _reasons_field(step, "変更の理由・内容")
        if reasons is not None:
            self.fields["reasons"] = reasons
        docs = _documents_field(step)
        if docs is not None:
            self.fields["documents"] = docs

    def changes(self, account: Account) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in CHANGE_FIELDS:
            value = self.cleaned_data.get(name)
            if value is None and name not in ("period_start", "period_end"):
                value = ""
            if getattr(account, name) != value:
                out[name] = value
        return out


class PolicyForm(forms.Form):
    """One version of the 運用ポリシー (様式1): the profile's fields, its required ones required."""

    def __init__(self, *args: Any, procedures: Procedures, kind: str, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == PolicyKind.INTERNAL_RULE:
            self.fields["body"] = forms.CharField(
                label="本文（アカウント運用ルール）",
                widget=forms.Textarea(attrs={"rows": 16}),
                help_text="公表しない運用の詳細（担当者、承認の流れ、ID・パスワードの管理、機器など）。川崎市5(5)。",
            )
        else:
            for name in procedures.policy_fields:
                required = name in procedures.policy_required
                label = POLICY_FIELDS[name]
                if name in ("period_start", "period_end"):
                    self.fields[name] = WarekiDateField(label=label, required=required)
                elif name in (
                    "unit_label",
                    "responsible",
                    "platform_label",
                    "account_name",
                    "registered_url",
                ):
                    self.fields[name] = forms.CharField(label=label, required=required, max_length=500)
                else:
                    rows = 10 if name in ("notes", "other") else 4
                    self.fields[name] = forms.CharField(
                        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
                    )
        self.fields["reason"] = forms.CharField(
            label="改訂の理由", max_length=500, required=False, help_text="例: 運用時間の変更、責任者の異動。"
        )
        docs = _documents_field(step)
        if docs is not None:
            self.fields["documents"] = docs

    def values(self) -> dict[str, Any]:
        skip = {"reason", "documents"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


# Steps that cannot be undone ask for a ticked box (issue 9 item 10): withdrawing an application,
# publishing the account in the public list, suspending, closing (unlisting, deleting).
IRREVERSIBLE_STEP_KINDS = frozenset({"withdraw", "list", "suspend", "close"})


class StepForm(forms.Form):
    """The inputs one lifecycle step asks for: reasons, answers, documents, and its kind's fields."""

    def __init__(
        self, *args: Any, step: Step, account: Account, redirect_targets: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        for question in step.questions:
            self.fields[f"q_{question.id}"] = forms.CharField(
                label=question.text,
                help_text=question.clause,
                widget=_TEXTAREA,
                error_messages={"required": "回答を入力してください。"},
            )
        if step.kind == "acquire":
            self.fields["handle"] = forms.CharField(
                label="ID（ユーザー名）", required=False, initial=account.handle
            )
            self.fields["url"] = forms.URLField(
                label="登録URL",
                required=False,
                initial=account.url,
                help_text="分からなければ空欄で構いません（後から連絡できます）。",
            )
            self.fields["acquired_on"] = WarekiDateField(label="開設日", required=False)
        if step.kind in ("request_listing", "list"):
            self.fields["genre"] = forms.ChoiceField(
                label="掲載ジャンル",
                choices=[("", "選んでください")] + list(Genre.choices),
                initial=account.genre,
                error_messages={"required": "掲載ジャンルを選んでください。"},
            )
        if step.kind == "record_url":
            self.fields["url"] = forms.URLField(label="登録URL", initial=account.url, assume_scheme="https")
        if step.kind == "change_responsible":
            self.fields["responsible_title"] = forms.CharField(
                label="新しい責任者（職名）", max_length=200, initial=account.responsible_title
            )
            self.fields["responsible_user"] = PersonChoiceField(
                label="責任者（職員）",
                required=False,
                queryset=org_access.people_of(account.municipality),
            )
        if "redirect_followers" in step.effects:
            self.fields["redirect_to"] = forms.ModelChoiceField(
                label="フォロワーの誘導先（市広報アカウント）",
                queryset=redirect_targets if redirect_targets is not None else Account.objects.none(),
                error_messages={"required": "誘導先のアカウントを選んでください。"},
            )
        if "delete_account" in step.effects:
            self.fields["deleted_on"] = WarekiDateField(label="アカウントを削除した日", required=False)
        reasons = _reasons_field(step)
        if reasons is None:
            # Every decision may carry a comment (recorded on the step's row and in the audit trail).
            reasons = forms.CharField(label="コメント（任意）", widget=_TEXTAREA, required=False)
        self.fields["reasons"] = reasons
        docs = _documents_field(step)
        if docs is not None:
            self.fields["documents"] = docs
        if step.kind in IRREVERSIBLE_STEP_KINDS or "delete_account" in step.effects:
            self.fields["confirm"] = confirm_field(f"「{step.label}」")

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "step_id": self.step.id,
            "reasons": data.get("reasons", "") or "",
            "answers": {q.id: data.get(f"q_{q.id}", "") for q in self.step.questions},
            "documents": data.get("documents", []),
        }
        for name in (
            "handle",
            "url",
            "acquired_on",
            "genre",
            "responsible_title",
            "responsible_user",
            "redirect_to",
            "deleted_on",
        ):
            if name in self.fields:
                value = data.get(name)
                kwargs[name] = "" if value is None and name in ("handle", "url", "genre") else value
        return kwargs


class SecurityForm(_ParseOnlyModelForm):
    """Security facts and the profile as shown on the platform."""

    mfa_enabled = NullBooleanJaField(label="多要素認証（二段階認証）を設定している")
    verified_badge = NullBooleanJaField(label="認証バッジを取得している")
    password_changed_at = WarekiDateField(label="パスワードの最終変更日", required=False)
    last_posted_at = WarekiDateField(label="最終投稿日", required=False)

    class Meta:
        model = Account
        fields = [
            "mfa_enabled",
            "verified_badge",
            "verification_available",
            "password_changed_at",
            "last_posted_at",
            "registration_email",
            "profile_text",
            "contact",
        ]
        widgets = {"profile_text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "profile_text": "プロフィール欄の表示内容（運営主体・目的・返信の方針・ポリシーのURL・問い合わせ先）。",
            "verification_available": "プラットフォームがこのアカウントに認証バッジを発行している場合にチェックします。",
        }

    def changes(self, account: Account) -> dict[str, Any]:
        out = {}
        for name in self.Meta.fields:
            value = self.cleaned_data.get(name)
            if value is None and name in ("registration_email", "profile_text", "contact"):
                value = ""
            if getattr(account, name) != value:
                out[name] = value
        return out


class RosterForm(_ParseOnlyModelForm):
    class Meta:
        model = RosterEntry
        fields = ["name", "duty", "affiliation"]


class DeviceForm(_ParseOnlyModelForm):
    class Meta:
        model = Device
        fields = ["name", "ownership", "asset_number"]
        help_texts = {"ownership": "私物の機器は原則として使用できません（ガイドラインの定めによります）。"}


class AppLinkForm(forms.Form):
    name = forms.CharField(label="アプリ・サービス名", max_length=200)
    purpose = forms.CharField(label="用途", max_length=300, required=False)
    linked_on = WarekiDateField(label="連携日", required=False)


class AccountFilterForm(forms.Form):
    """Filters of the account list."""

    q = forms.CharField(label="キーワード", required=False)
    status = forms.ChoiceField(label="状態", required=False, choices=[("", "すべて")] + list(Status.choices))
    platform = forms.ChoiceField(
        label="種類", required=False, choices=[("", "すべて")] + list(Platform.choices)
    )
    genre = forms.ChoiceField(
        label="ジャンル", required=False, choices=[("", "すべて")] + list(Genre.choices)
    )
    unit = forms.ModelChoiceField(
        label="所属", required=False, queryset=OrgUnit.objects.none(), empty_label="すべて"
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class WaiverForm(forms.Form):
    """The office lets one error finding stand, with the reason (issue 9 item 1)."""

    rule = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="容認する理由",
        widget=_TEXTAREA,
        error_messages={"required": "容認する理由を入力してください。"},
    )
