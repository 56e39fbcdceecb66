"""Which recurring duties a city has, read from its profile, and what is due on a given day.

Every duty is profile data, never ``if city == ...``:

- ``roster_renewal``: ``[roster] renewal_month`` where the rule ``account.roster_stale``
  is on (安芸高田市7(7): 様式2号 every April), due at the end of that month;
- ``annual_review``: the profile has an ``annual_review`` step (狛江市4(5)ア),
  due on 31 March; its outcome (継続・見直し・停止) is recorded on the task;
- ``retained_check``: ``[closure] mode = "retain"`` (狛江市4(5)エ), due on the
  account's ``next_check_due``;
- ``password_rotation``: the rule ``account.password_age`` is on (川崎市5(8)), due
  ``account_password_max_age_days`` after the last change;
- ``dormancy``: the rule ``account.dormant`` is on (川崎市5(9)): no post for
  ``account_dormancy_days`` → consider closing (outcome recorded);
- ``period_end``: the account's 運用終了日 has passed and it is still in
  operation → start the closure (every city);
- ``post_report`` / ``campaign_precheck``: post-hoc reports waiting for the
  section head, third-party drafts waiting for their pre-check (every city
  whose profile has them);
- ``roster_update``: raised when a person's role ends (``people.actions.do_end_role``);
- ``daily_check``: ``[duties.daily_check]`` in the procedures file (京都市4(1)イ(7)),
  only where the city chose to record it (``DutySettings``).

``due_items`` is read-only; ``duties.runner`` turns its items into tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.urls import reverse

from koshiki.campaigns.models import CampaignSubmission
from koshiki.campaigns.states import PrecheckStatus
from koshiki.citysettings.effective import effective_profile
from koshiki.fiscal import fiscal_year, fiscal_year_end, fiscal_year_label, to_wareki
from koshiki.org.models import Municipality
from koshiki.org.roles import Role
from koshiki.posts.models import PostHocReport
from koshiki.posts.procedures import load_post_procedures
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account
from koshiki.registry.states import EXISTING_STATES, Status
from koshiki.workdays import is_business_day

NOTICE_DAYS = 14  # a dated duty appears this many days before it falls due
DORMANCY_GRACE_DAYS = 30  # time given to consider closing a dormant account
PRECHECK_DAYS = 3  # a third party waits at most this long for the city's pre-check
REVIEW_MONTH = 3  # 狛江市4(5)ア「毎年度末」: the review appears in March
IN_OPERATION = frozenset(EXISTING_STATES - {Status.CLOSING, Status.RETAINED})

# Outcomes a person records when completing a manual duty.
REVIEW_OUTCOMES = (("continue", "継続する"), ("change", "運用を見直して継続する"), ("stop", "運用を停止する"))
DORMANCY_OUTCOMES = (("continue", "運用を続ける（理由を記録）"), ("close", "廃止の手続を始める"))
CHECK_OUTCOMES = (("checked", "確認した"),)
ROSTER_OUTCOMES = (("updated", "名簿を更新した"), ("unchanged", "確認した（名簿に変更なし）"))


@dataclass(frozen=True)
class Duty:
    """A kind of duty: its Japanese name, the clause, who does it, and whether a person closes it."""

    code: str
    label: str
    clause: str
    role: str
    manual: bool = False
    outcomes: tuple[tuple[str, str], ...] = ()
    timing: str = "随時"


@dataclass(frozen=True)
class DueItem:
    """One thing due: becomes (or matches) a ``DutyTask`` with the same ``key``."""

    duty: Duty
    key: str
    account: Account | None
    due_on: date
    title: str
    url: str


def _account_url(account: Account) -> str:
    return reverse("registry:account_detail", args=[account.pk])


def _rule_on(profile: Any, rule_id: str) -> bool:
    binding = profile.bindings.get(rule_id)
    return binding is not None and binding.enabled


def _int_param(profile: Any, name: str, default: int) -> int:
    value = profile.param(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def duties_for(municipality: Municipality, *, daily_checks: bool = False) -> dict[str, Duty]:
    """The duties the city's profile prescribes, by code (``daily_checks``: the city records them)."""
    profile = effective_profile(municipality)
    procedures = load_procedures(municipality.profile_id)
    out: dict[str, Duty] = {}

    def add(duty: Duty) -> None:
        out[duty.code] = duty

    if procedures.roster_renewal_month and _rule_on(profile, "account.roster_stale"):
        # The month is procedures data; whether the guideline asks for it at all is the rule's binding
        # (a profile may inherit [roster] from ``standard`` without its guideline saying so).
        month = procedures.roster_renewal_month
        clause = profile.bindings["account.roster_stale"].clause.ref
        add(
            Duty("roster_renewal", "運用者名簿の年次更新", clause, Role.SECTION_HEAD, timing=f"毎年{month}月")
        )
    review = next(iter(procedures.steps_of_kind("annual_review")), None)
    if review is not None:
        add(
            Duty(
                "annual_review",
                "年度末の効果測定",
                review.clause,
                Role.SECTION_HEAD,
                True,
                REVIEW_OUTCOMES,
                "毎年3月（年度末）",
            )
        )
    if procedures.closure_mode == "retain":
        check = next(iter(procedures.steps_of_kind("check")), None)
        add(
            Duty(
                "retained_check",
                "停止中アカウントの定期確認",
                check.clause if check else "",
                Role.SECTION_HEAD,
                timing=f"{procedures.check_interval_days}日ごと",
            )
        )
    if _rule_on(profile, "account.password_age"):
        clause = profile.bindings["account.password_age"].clause.ref
        days = _int_param(profile, "account_password_max_age_days", 365)
        add(
            Duty(
                "password_rotation",
                "パスワードの定期的な変更",
                clause,
                Role.OPERATOR,
                timing=f"最終変更から{days}日",
            )
        )
    if _rule_on(profile, "account.dormant"):
        clause = profile.bindings["account.dormant"].clause.ref
        add(
            Duty(
                "dormancy",
                "更新のないアカウントの廃止の検討",
                clause,
                Role.SECTION_HEAD,
                True,
                DORMANCY_OUTCOMES,
                timing=f"最終投稿から{_int_param(profile, 'account_dormancy_days', 180)}日",
            )
        )
    add(
        Duty(
            "period_end",
            "運用終了日を過ぎたアカウントの廃止手続",
            "",
            Role.SECTION_HEAD,
            timing="運用終了日の翌日から",
        )
    )
    posts = load_post_procedures(municipality.profile_id)
    if posts.scopes:
        add(
            Duty(
                "post_report",
                posts.report_label or "事後の報告の確認",
                posts.report_clause,
                Role.SECTION_HEAD,
                timing="報告の期限まで",
            )
        )
    if posts.campaign.enabled:
        add(
            Duty(
                "campaign_precheck",
                "第三者からの投稿案の事前確認",
                posts.campaign.clause,
                posts.approval_chain[0],
                timing=f"提出から{PRECHECK_DAYS}日以内",
            )
        )
    add(
        Duty(
            "roster_update",
            "異動に伴う運用者名簿の確認",
            "",
            Role.SECTION_HEAD,
            True,
            ROSTER_OUTCOMES,
            "役割の終了・人事異動のとき",
        )
    )
    daily = profile.procedures.get("duties", {}).get("daily_check")
    if daily_checks and isinstance(daily, dict):
        add(
            Duty(
                "daily_check",
                str(daily.get("label", "日常確認")),
                str(daily.get("clause", "")),
                Role.OPERATOR,
                True,
                CHECK_OUTCOMES,
                "開庁日ごと",
            )
        )
    return out


def offers_daily_checks(municipality: Municipality) -> bool:
    """Does the city's guideline describe a daily check it may choose to record?"""
    return isinstance(effective_profile(municipality).procedures.get("duties", {}).get("daily_check"), dict)


def due_items(municipality: Municipality, today: date, *, daily_checks: bool = False) -> Iterator[DueItem]:
    """Everything due (or coming due within ``NOTICE_DAYS``) in the city on ``today``; no writes."""
    duties = duties_for(municipality, daily_checks=daily_checks)
    profile = effective_profile(municipality)
    procedures = load_procedures(municipality.profile_id)
    fy = fiscal_year(today)
    accounts = list(
        Account.objects.filter(municipality=municipality)
        .exclude(status__in=[Status.CLOSED, Status.WITHDRAWN])
        .select_related("owning_unit")
        .order_by("pk")
    )
    soon = today + timedelta(days=NOTICE_DAYS)
    for acc in accounts:
        url = _account_url(acc)
        name = acc.display_name
        running = acc.status in IN_OPERATION
        if "roster_renewal" in duties and running:
            month = procedures.roster_renewal_month or 4
            start = date(fy if month >= 4 else fy + 1, month, 1)
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            if start <= today and (acc.roster_renewed_at is None or acc.roster_renewed_at < start):
                yield DueItem(
                    duties["roster_renewal"],
                    f"roster_renewal:{fy}:{acc.pk}",
                    acc,
                    end,
                    f"「{name}」の運用者名簿を{fiscal_year_label(fy)}分に更新する",
                    url,
                )
        if "annual_review" in duties and acc.status == Status.LISTED and today.month == REVIEW_MONTH:
            yield DueItem(
                duties["annual_review"],
                f"annual_review:{fy}:{acc.pk}",
                acc,
                fiscal_year_end(fy),
                f"「{name}」の{fiscal_year_label(fy)}末の効果測定を行い、結果（継続・見直し・停止）を記録する",
                url,
            )
        if (
            "retained_check" in duties
            and acc.status == Status.RETAINED
            and acc.next_check_due
            and acc.next_check_due <= soon
        ):
            yield DueItem(
                duties["retained_check"],
                f"retained_check:{acc.pk}:{acc.next_check_due}",
                acc,
                acc.next_check_due,
                f"停止中の「{name}」の状態（なりすまし・乗っ取り等）を確認する",
                url,
            )
        if "password_rotation" in duties and acc.status in EXISTING_STATES:
            limit = _int_param(profile, "account_password_max_age_days", 365)
            changed = acc.password_changed_at
            due = changed + timedelta(days=limit) if changed else today
            if due <= soon:
                yield DueItem(
                    duties["password_rotation"],
                    f"password_rotation:{acc.pk}:{changed or 'none'}",
                    acc,
                    due,
                    f"「{name}」のパスワードを変更し、変更日を記録する"
                    + (f"（最終変更 {to_wareki(changed)}）" if changed else "（変更日が未記録）"),
                    reverse("registry:security", args=[acc.pk]),
                )
        if "dormancy" in duties and running and acc.last_posted_at:
            limit = _int_param(profile, "account_dormancy_days", 180)
            if (today - acc.last_posted_at).days > limit:
                yield DueItem(
                    duties["dormancy"],
                    f"dormancy:{acc.pk}:{acc.last_posted_at}",
                    acc,
                    acc.last_posted_at + timedelta(days=limit + DORMANCY_GRACE_DAYS),
                    f"「{name}」は{to_wareki(acc.last_posted_at)}から更新がありません。廃止を検討し、結果を記録する",
                    url,
                )
        if running and acc.period_end and acc.period_end < today:
            yield DueItem(
                duties["period_end"],
                f"period_end:{acc.pk}:{acc.period_end}",
                acc,
                acc.period_end + timedelta(days=NOTICE_DAYS),
                f"「{name}」は運用終了日（{to_wareki(acc.period_end)}）を過ぎています。廃止・停止の手続を始める",
                url,
            )
        if "daily_check" in duties and acc.status == Status.LISTED and is_business_day(today):
            yield DueItem(
                duties["daily_check"],
                f"daily_check:{today}:{acc.pk}",
                acc,
                today,
                f"「{name}」の日常確認（{to_wareki(today)}）",
                url,
            )
    if "post_report" in duties:
        reports = (
            PostHocReport.objects.unconfirmed()
            .filter(draft__account__municipality=municipality)
            .select_related("draft__account")
        )
        for r in reports.order_by("pk"):
            yield DueItem(
                duties["post_report"],
                f"post_report:{r.pk}",
                r.draft.account,
                r.due_at.date(),
                f"「{r.draft.account.display_name}」で事前承認の範囲で投稿された #{r.draft_id} の報告を確認する",
                reverse("posts:reports") + "?show=open",
            )
    if "campaign_precheck" in duties:
        subs = CampaignSubmission.objects.filter(
            precheck_status=PrecheckStatus.PENDING, campaign__account__municipality=municipality
        ).select_related("campaign__account")
        for s in subs.order_by("pk"):
            yield DueItem(
                duties["campaign_precheck"],
                f"campaign_precheck:{s.pk}",
                s.campaign.account,
                s.submitted_at.date() + timedelta(days=PRECHECK_DAYS),
                f"「{s.campaign.name}」に第三者から届いた投稿案（提出{s.number}）を事前確認する",
                reverse("campaigns:precheck", args=[s.pk]),
            )
