"""The registry's tables: accounts, their application, roster, devices, apps, policies, notices.

Every write goes through ``registry.actions``; models hold data and
read-only helpers only (no signals, no ``save()`` touching other rows).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from koshiki.org.models import Municipality, OrgUnit, RoleAssignment
from koshiki.registry.states import (
    EXISTING_STATES,
    Genre,
    OperatorKind,
    Platform,
    PolicyKind,
    ReplyPolicy,
    Status,
)


class ImmutableError(RuntimeError):
    """An insert-only row (a policy version, a step record) was about to be changed or deleted."""

    def __init__(
        self, message: str = "運用ポリシーの版は変更・削除できません。改訂すると新しい版が作られます。"
    ) -> None:
        super().__init__(message)


class AccountQuerySet(models.QuerySet):
    def listed(self) -> AccountQuerySet:
        """Accounts on the public list of official accounts."""
        return self.filter(is_listed=True)


class Account(models.Model):
    """One official social-media account, from its application to its closure."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="accounts")
    owning_unit = models.ForeignKey(
        OrgUnit, verbose_name="開設所属", on_delete=models.PROTECT, related_name="accounts"
    )
    platform = models.CharField("ソーシャルメディアの種類", max_length=20, choices=Platform.choices)
    platform_other = models.CharField("その他の種類", max_length=100, blank=True)
    handle = models.CharField("ID（ユーザー名）", max_length=100, blank=True, db_index=True)
    url = models.URLField("登録URL", max_length=500, blank=True)
    display_name = models.CharField("アカウント名（表示名）", max_length=200)

    operator_kind = models.CharField(
        "運用者の区分", max_length=30, choices=OperatorKind.choices, default=OperatorKind.CITY
    )
    operator_company = models.CharField("運用する会社・団体", max_length=200, blank=True)
    responsible_title = models.CharField("責任者（職名）", max_length=200, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="責任者（職員）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_accounts",
    )

    purpose = models.TextField("利用目的", blank=True)
    audience = models.TextField("対象（誰に向けて）", blank=True)
    content = models.TextField("発信情報", blank=True)
    reply_policy = models.CharField(
        "投稿に対する返信", max_length=20, choices=ReplyPolicy.choices, default=ReplyPolicy.NONE
    )
    reply_policy_text = models.TextField("返信の方針（表示文）", blank=True)
    period_start = models.DateField("運用開始日", null=True, blank=True)
    period_end = models.DateField("運用終了日", null=True, blank=True)
    operating_hours = models.TextField("運用時間", blank=True)
    genre = models.CharField("掲載ジャンル", max_length=20, choices=Genre.choices, blank=True)
    registration_email = models.EmailField("登録メールアドレス", blank=True)
    profile_text = models.TextField("プロフィール欄の表示内容", blank=True)
    contact = models.CharField("問い合わせ先", max_length=300, blank=True)

    # Security facts (京都市4(3)ク・ケ, 石巻市3(3)オ・カ, 川崎市5(6)(8)).
    mfa_enabled = models.BooleanField("多要素認証", null=True, blank=True)
    verified_badge = models.BooleanField("認証バッジ", null=True, blank=True)
    verification_available = models.BooleanField("認証バッジを取得できる", default=False)
    password_changed_at = models.DateField("パスワード最終変更日", null=True, blank=True)
    last_posted_at = models.DateField("最終投稿日", null=True, blank=True)

    status = models.CharField(
        "状態", max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_listed = models.BooleanField("公式アカウント一覧に掲載", default=False, db_index=True)
    listed_at = models.DateTimeField("一覧掲載日時", null=True, blank=True)
    unlisted_at = models.DateTimeField("一覧削除日時", null=True, blank=True)
    acquired_at = models.DateField("開設日", null=True, blank=True)
    registered_at = models.DateTimeField("公式登録日時", null=True, blank=True)
    closed_at = models.DateTimeField("廃止日時", null=True, blank=True)
    deleted_on_platform_at = models.DateField("アカウント削除日", null=True, blank=True)
    next_check_due = models.DateField("次回の状態確認期限", null=True, blank=True)
    redirect_to = models.ForeignKey(
        "self",
        verbose_name="誘導先（市広報アカウント）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redirected_from",
    )
    # Emergency freeze (issue 7 item 6; 狛江市4(3)カ, 京都市4(4)): while set, no publication
    # is recorded, no scope post made and no third-party link used (registry.freeze guards it).
    frozen_at = models.DateTimeField("緊急停止日時", null=True, blank=True)
    frozen_reason = models.CharField("緊急停止の理由", max_length=300, blank=True)
    roster_renewed_at = models.DateField("名簿の最終更新日", null=True, blank=True)
    last_reviewed_at = models.DateField("効果測定の最終実施日", null=True, blank=True)

    current_policy = models.ForeignKey(
        "OperationPolicy",
        verbose_name="現行の運用ポリシー",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_internal_rule = models.ForeignKey(
        "OperationPolicy",
        verbose_name="現行のアカウント運用ルール",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = "公式アカウント"
        verbose_name_plural = "公式アカウント"
        ordering = ["owning_unit__path", "display_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(operator_kind=OperatorKind.CITY) | ~Q(operator_company=""),
                name="registry_account_company_for_outside_operator",
                violation_error_message="委託業者・指定管理者が運用する場合は、会社・団体名を入力してください。",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="registry_account_period_order",
                violation_error_message="運用終了日は運用開始日より後の日付にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.platform_name}）"

    @property
    def platform_name(self) -> str:
        if self.platform == Platform.OTHER and self.platform_other:
            return self.platform_other
        return self.get_platform_display()

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def exists_on_platform(self) -> bool:
        return self.status in EXISTING_STATES

    @property
    def operator_label(self) -> str:
        """Who runs it, as the policy's 開設所属/備考 name it."""
        if self.operator_kind == OperatorKind.CITY:
            return self.owning_unit.name
        return f"{self.operator_company}（{self.get_operator_kind_display()}）"


class Application(models.Model):
    """The request to open an account: answers, documents confirmed, and the decision."""

    class Decision(models.TextChoices):
        NONE = "", "未決定"
        APPROVED = "approved", "承認"
        RETURNED = "returned", "差戻し"
        WAIVED = "waived", "手続省略（委員長判断）"

    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="application")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申請者", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    answers = models.JSONField("検討事項への回答", default=dict, blank=True)
    documents = models.JSONField("確認した書類（手順ごと）", default=dict, blank=True)
    decision = models.CharField("決定", max_length=20, choices=Decision.choices, blank=True, default="")
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="決定者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reasons = models.TextField("理由（差戻し・手続省略）", blank=True)
    waived = models.BooleanField("手続を省略した", default=False)
    return_count = models.PositiveIntegerField("差戻し回数", default=0)

    class Meta:
        verbose_name = "開設申請"
        verbose_name_plural = "開設申請"

    def __str__(self) -> str:
        return f"{self.account.display_name} の開設申請"


class StepRecordQuerySet(models.QuerySet):
    """Step records are insert-only: no bulk update or delete."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("手続の記録は変更できません")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("手続の記録は削除できません")


class StepRecord(models.Model):
    """One lifecycle step taken on an account: which step, by whom, when, with what reasons, answers, documents.

    Written by ``registry.actions.engine._run_step`` in the step's own
    transaction, one row per decision, like ``posts.ApprovalDecision`` (Wagtail's
    TaskState): ``Application.decided_by`` keeps only the latest decision, the
    rows keep every stage. Insert-only.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="step_records")
    step_id = models.CharField("手順", max_length=50)
    kind = models.CharField("種類", max_length=30)
    label = models.CharField("手順の名称", max_length=200)
    from_state = models.CharField("前の状態", max_length=30, choices=Status.choices)
    to_state = models.CharField("後の状態", max_length=30, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="実施者", null=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField("日時")
    reasons = models.TextField("理由", blank=True)
    answers = models.JSONField("検討事項への回答", default=dict, blank=True)
    documents = models.JSONField("確認した書類（名称）", default=list, blank=True)
    issued = models.JSONField("送付した書類", default=list, blank=True)
    clause = models.CharField("根拠", max_length=200, blank=True)
    profile_id = models.CharField("プロファイル", max_length=50)

    objects = StepRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "手続の記録"
        verbose_name_plural = "手続の記録"
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["account", "taken_at"], name="registry_step_account_idx")]

    def __str__(self) -> str:
        return f"{self.account.display_name} {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: a step taken stays as it was taken."""
        if not self._state.adding:
            raise ImmutableError("手続の記録は変更できません")
        super().save(*args, **kwargs)


class RosterEntry(models.Model):
    """One person on the account's operator roster (安芸高田市 様式2号 運用管理者・情報発信者確認名簿)."""

    class Duty(models.TextChoices):
        MANAGER = "manager", "運用管理者"
        POSTER = "poster", "情報発信者"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="roster")
    name = models.CharField("氏名", max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="職員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duty = models.CharField("役割", max_length=20, choices=Duty.choices, default=Duty.POSTER)
    affiliation = models.CharField("所属・会社", max_length=200, blank=True)
    added_on = models.DateField("登録日")
    removed_on = models.DateField("削除日", null=True, blank=True)

    class Meta:
        verbose_name = "運用者名簿"
        verbose_name_plural = "運用者名簿"
        ordering = ["duty", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_duty_display()}）"


class Device(models.Model):
    """A device used to post from the account, approved before use (京都市4(1)イ(イ), 川崎市5(10))."""

    class Ownership(models.TextChoices):
        CITY = "city", "市の貸与機器"
        OPERATOR = "operator", "委託業者・指定管理者の機器"
        PERSONAL = "personal", "個人所有の機器"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="devices")
    name = models.CharField("機器名", max_length=200)
    ownership = models.CharField("所有", max_length=20, choices=Ownership.choices, default=Ownership.CITY)
    asset_number = models.CharField("資産番号", max_length=100, blank=True)
    approved = models.BooleanField("承認済み", default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承認者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    retired_on = models.DateField("使用終了日", null=True, blank=True)

    class Meta:
        verbose_name = "利用端末"
        verbose_name_plural = "利用端末"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ThirdPartyApp(models.Model):
    """A third-party application linked to the account (狛江市4(3)カ: revoke after a hijack)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="third_party_apps")
    name = models.CharField("アプリ・サービス名", max_length=200)
    purpose = models.CharField("用途", max_length=300, blank=True)
    linked_on = models.DateField("連携日", null=True, blank=True)
    revoked_on = models.DateField("連携解除日", null=True, blank=True)

    class Meta:
        verbose_name = "連携アプリ"
        verbose_name_plural = "連携アプリ"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class OperationPolicy(models.Model):
    """One immutable version of an account's 運用ポリシー (様式1) or internal rule.

    A revision creates a new version; the account's ``current_policy`` /
    ``current_internal_rule`` points at the newest one. Only the public kind is
    ever shown outside (川崎市5(5): the 運用ルール is not published).
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="policies")
    kind = models.CharField(
        "文書の種類", max_length=20, choices=PolicyKind.choices, default=PolicyKind.PUBLIC
    )
    version = models.PositiveIntegerField("版")
    unit_label = models.CharField("開設所属", max_length=300, blank=True)
    responsible = models.CharField("責任者", max_length=200, blank=True)
    content = models.TextField("発信情報", blank=True)
    purpose = models.TextField("利用目的", blank=True)
    platform_label = models.CharField("利用するソーシャルメディアの種類", max_length=200, blank=True)
    account_name = models.CharField("アカウント（登録名称）", max_length=200, blank=True)
    registered_url = models.CharField("登録URL", max_length=500, blank=True)
    period_start = models.DateField("運用開始日", null=True, blank=True)
    period_end = models.DateField("運用終了日", null=True, blank=True)
    operating_hours = models.TextField("運用時間", blank=True)
    reply_policy = models.TextField("投稿に対する返信", blank=True)
    remarks = models.TextField("備考", blank=True)
    notes = models.TextField("注意事項", blank=True)
    ip_rights = models.TextField("知的財産権", blank=True)
    disclaimer = models.TextField("免責事項", blank=True)
    other = models.TextField("その他の定め", blank=True)
    follow_policy = models.TextField("フォローの方針", blank=True)
    body = models.TextField("本文（アカウント運用ルール）", blank=True)
    reason = models.CharField("改訂の理由", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "運用ポリシー"
        verbose_name_plural = "運用ポリシー"
        ordering = ["account", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "version"], name="registry_policy_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.display_name} {self.get_kind_display()} 第{self.version}版"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: a version is never rewritten."""
        if not self._state.adding:
            raise ImmutableError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError()


class ChangeNotice(models.Model):
    """A change filed for a registered account (変更届: 石巻市様式2, policy revisions, new 責任者)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="change_notices")
    step_id = models.CharField("手順", max_length=50)
    title = models.CharField("届出の種類", max_length=200)
    reason = models.TextField("変更の理由・内容", blank=True)
    changes = models.JSONField("変更点（変更前・変更後）", default=dict, blank=True)
    documents = models.JSONField("添付した様式", default=list, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="届出者", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("届出日時", auto_now_add=True)

    class Meta:
        verbose_name = "変更届"
        verbose_name_plural = "変更届"
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account.display_name} {self.title}"


class FindingWaiver(models.Model):
    """The office's recorded decision to let one account finding stand (issue 9 item 1).

    An error-level ``account.*`` finding blocks registration, listing and the
    start of operation; where the profile lets the office waive it
    (``[findings] waivable``), this row holds who waived which rule, why and
    when. Insert only; a new finding of the same rule after ``revoked_at`` is
    blocked again.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="finding_waivers")
    rule = models.CharField("ルール", max_length=80)
    message = models.TextField("指摘の内容")
    reason = models.TextField("認める理由")
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="判断した職員", on_delete=models.PROTECT, related_name="+"
    )
    waived_at = models.DateTimeField("判断日時")
    profile_id = models.CharField("プロファイル", max_length=50)

    class Meta:
        verbose_name = "指摘の容認"
        verbose_name_plural = "指摘の容認"
        ordering = ["-waived_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account.display_name} {self.rule} の容認"


class AccountRole(models.Model):
    """The account a role assignment is held for (担当者 of one account, 委託業者, 指定管理者).

    One row per account-scoped ``org.RoleAssignment`` (``for_account``), written
    with it in one transaction; kept here so the organisation app, one floor
    down, needs no foreign key to accounts.
    """

    assignment = models.OneToOneField(
        RoleAssignment, primary_key=True, on_delete=models.PROTECT, related_name="account_scope"
    )
    account = models.ForeignKey(
        Account, verbose_name="アカウント", on_delete=models.PROTECT, related_name="role_assignments"
    )

    class Meta:
        verbose_name = "アカウント単位の役割"
        verbose_name_plural = "アカウント単位の役割"

    def __str__(self) -> str:
        return f"{self.assignment.user} / {self.assignment.get_role_display()} / {self.account}"


def assignment_name(assignment: RoleAssignment) -> str:
    """「koho.tanto / 担当者 / 市広報X」: a role assignment named with the account it is held for.

    The audit trail names ``org.roleassignment`` objects with this (registered by
    ``RegistryConfig``); reads ``account_scope__account`` when loaded with it.
    """
    scope: Any = assignment.unit or assignment.municipality
    if assignment.for_account:
        with suppress(AccountRole.DoesNotExist):
            scope = assignment.account_scope.account  # one query unless loaded with it
    return f"{assignment.user} / {assignment.get_role_display()} / {scope}"


class StoredFindings(models.Model):
    """The account rules' findings on one account, as last computed (issue 10 item 9).

    A derived copy, not a record: ``registry.stored_findings`` writes it when a
    registry action changes the account, when the daily duty run starts a new
    day (time-based rules: password age, roster renewal, 運用終了日), and lazily
    when the row is missing or older than the account, the day, or the
    checker and profile (``version``). Pages read these rows instead of
    running the rules for every account on every view.
    """

    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.CASCADE, related_name="stored_findings"
    )
    version = models.CharField("チェッカーとプロファイルの版", max_length=100)
    computed_on = models.DateField("判定日")
    account_updated_at = models.DateTimeField("判定したアカウントの更新日時")
    errors = models.PositiveIntegerField("エラー件数", default=0)
    warnings = models.PositiveIntegerField("警告件数", default=0)
    findings = models.JSONField("指摘", default=list)

    class Meta:
        verbose_name = "アカウントの指摘（保存）"
        verbose_name_plural = "アカウントの指摘（保存）"
        indexes = [models.Index(fields=["errors", "warnings"], name="registry_stored_counts")]
