"""What needs someone's attention: checker findings on accounts, and steps waiting for a person.

The account rules (``account.*`` in RULES.md) run through the checker
machinery: ``account_record`` maps an ``Account`` onto the checker's plain
``AccountRecord`` and ``account_findings`` calls
``koshiki.checker.check_subject(record, "account", profile)``. Rules that are
not written yet simply report nothing. Pages do not call these per view:
they read the stored rows (``registry.stored_findings``, ``registry.worklist``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from koshiki.checker import Clause, Finding, Severity, check_subject
from koshiki.checker.profiles import Profile
from koshiki.checker.subjects import AccountRecord
from koshiki.checker.subjects import Device as DeviceRecord
from koshiki.citysettings.effective import effective_profile
from koshiki.registry.lifecycle import Step, load_procedures
from koshiki.registry.models import Account
from koshiki.registry.states import APPLICATION_STATES, FINAL_STATES, ReplyPolicy, Status

# The registry's states as the checker's four phases (koshiki/checker/subjects.py STATUSES).
_PHASE = {
    **{s: "planned" for s in APPLICATION_STATES},
    Status.ACQUIRED: "active",
    Status.LISTING_REQUESTED: "active",
    Status.REGISTERED: "active",
    Status.LISTED: "active",
    Status.SUSPENDED: "suspended",
    Status.CLOSING: "suspended",
    Status.RETAINED: "suspended",
    Status.CLOSED: "closed",
    Status.WITHDRAWN: "closed",
}
# Steps that move an application forward: shown as "waiting for you". A closure
# step waits only once the closure has begun; a periodic check only when due soon.
_FORWARD_KINDS = frozenset({"consult", "submit", "approve", "acquire", "request_listing", "register", "list"})
CHECK_NOTICE_DAYS = 14


def period_ended(account: Account, today: date) -> bool:
    """The account's 運用終了日 has passed while it still operates (issue 9 item 4)."""
    return (
        account.period_end is not None
        and account.period_end < today
        and account.status not in FINAL_STATES
        and account.status not in (Status.CLOSING, Status.RETAINED)
        and account.status not in APPLICATION_STATES
    )


def period_finding(account: Account, today: date) -> Finding | None:
    """The registry's own finding for an account operated past its 運用終了日 (a closure task follows)."""
    if not period_ended(account, today):
        return None
    procedures = load_procedures(account.municipality.profile_id)
    closing = procedures.steps_of_kind("close")
    clause = closing[0].clause if closing else ""
    return Finding(
        rule="registry.period_ended",
        severity=Severity.WARNING,
        start=0,
        end=0,
        message=(
            f"運用終了日（{account.period_end:%Y年%m月%d日}）を過ぎています。運用を続けるなら変更届で運用期間を直し、"
            "終えるなら廃止の手続をしてください"
        ),
        clause=Clause(procedures.profile_id, clause, "運用期間の終了"),
    )


def is_waiting(account: Account, step: Step, today: date) -> bool:
    """Is this step the next thing to do (not merely allowed) for the account?"""
    if step.kind in _FORWARD_KINDS:
        return True
    if step.kind == "close":
        return account.status == Status.CLOSING or period_ended(account, today)
    if step.kind == "check":
        due = account.next_check_due
        return due is not None and due <= today + timedelta(days=CHECK_NOTICE_DAYS)
    return False


def public_policy_url(account: Account) -> str:
    """Where citizens read the account's published policy (the public directory's page), or ""."""
    for name in ("directory:policy", "directory:account"):
        try:
            return reverse(name, args=[account.pk])
        except NoReverseMatch:
            continue
    return ""


def account_record(account: Account, today: date | None = None) -> AccountRecord:
    """The account as the checker's account rules see it (no queries beyond devices/policy if not prefetched)."""
    policy = account.current_policy
    reply = (
        account.reply_policy_text
        or (policy.reply_policy if policy else "")
        or ReplyPolicy(account.reply_policy).label
    )
    devices = tuple(
        DeviceRecord(name=d.name, approved=d.approved) for d in account.devices.all() if d.retired_on is None
    )
    return AccountRecord(
        platform=account.platform,
        handle=account.handle,
        display_name=account.display_name,
        today=today or timezone.localdate(),
        url=account.url,
        registration_email=account.registration_email,
        profile_text=account.profile_text,
        operator_label=(policy.unit_label if policy else "") or account.operator_label,
        purpose=account.purpose or account.content,
        reply_policy=reply,
        policy_url=public_policy_url(account) if account.is_listed else "",
        contact=account.contact,
        mfa_enabled=account.mfa_enabled,
        verified=account.verified_badge,
        verification_available=account.verification_available,
        password_changed_at=account.password_changed_at,
        last_posted_at=account.last_posted_at,
        opened_at=account.acquired_at,
        roster_renewed_at=account.roster_renewed_at,
        review_done_at=account.last_reviewed_at,
        devices=devices,
        status=_PHASE[Status(account.status)],
    )


def account_findings(
    account: Account, today: date | None = None, profile: Profile | None = None
) -> list[Finding]:
    """The account rules' findings under the municipality's profile and settings (errors first).

    None for a closed account or one already deleted on the platform (京都市4(2)イ:
    deleted first, unlisted afterwards): there is no profile or password left to fix.
    ``profile``: the city's effective profile when the caller already has it (one query saved).
    """
    if account.status in FINAL_STATES or account.deleted_on_platform_at is not None:
        return []
    today = today or timezone.localdate()
    profile = profile or effective_profile(account.municipality)
    findings = check_subject(account_record(account, today), "account", profile)
    ended = period_finding(account, today)
    if ended is not None:
        findings = [*findings, ended]
    return sorted(findings, key=lambda f: (f.severity.rank, f.rule))


@dataclass
class AttentionItem:
    """One account and why it needs attention."""

    account: Account
    findings: list[Finding] = field(default_factory=list)
    waiting_steps: list[Step] = field(default_factory=list)
    check_due: date | None = None

    @property
    def worst(self) -> Severity | None:
        return self.findings[0].severity if self.findings else None
