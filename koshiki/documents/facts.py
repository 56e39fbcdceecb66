"""The data a form is filled from: one account's facts, read from the registry or made up for the demo.

``facts_from_account`` reads the registry at that moment (a handful of
queries: units, policy versions, roster, devices, last change notice);
``demo_facts`` returns the same shape for the fictional みなと市 so forms can
be tried without a database (``manage.py forms render --demo``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account, OperationPolicy, RosterEntry
from koshiki.registry.states import Genre, OperatorKind, Platform, ReplyPolicy


@dataclass(frozen=True)
class Person:
    """One line of the operator roster (安芸高田市様式2号)."""

    duty: str  # 運用管理者 / 情報発信者
    name: str
    affiliation: str
    added_on: date | None


@dataclass(frozen=True)
class AccountFacts:
    """Everything a form may show about one account, as plain values."""

    profile_id: str
    municipality: str
    unit_path: tuple[str, ...]
    applicant: str
    account_id: int | None = None
    display_name: str = ""
    handle: str = ""
    url: str = ""
    platform: str = ""  # Platform value
    platform_label: str = ""
    genre: str = ""  # Genre value
    purpose: str = ""
    content: str = ""
    audience: str = ""
    reply_policy: str = ""  # the displayed text
    period_start: date | None = None
    period_end: date | None = None
    operating_hours: str = ""
    operator_kind: str = OperatorKind.CITY
    operator_company: str = ""
    responsible: str = ""
    contact: str = ""
    registration_email: str = ""
    remarks: str = ""
    notes: str = ""
    ip_rights: str = ""
    disclaimer: str = ""
    other: str = ""
    rule_body: str = ""
    policy_version: int | None = None
    devices: tuple[str, ...] = ()
    roster: tuple[Person, ...] = ()
    acquired_on: date | None = None
    closed_on: date | None = None
    change_reason: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _user_name(user: object) -> str:
    if user is None:
        return ""
    full = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return full or getattr(user, "username", "")


def facts_from_account(account: Account, *, applicant: str = "") -> AccountFacts:
    """The account's facts as the registry holds them now (about six queries).

    The current public policy version supplies the 様式1 texts where it has
    them; the account's own fields fill the rest. ``applicant`` (the person
    generating the form) defaults to the responsible person.
    """
    unit = account.owning_unit
    unit_path = tuple(unit.full_name().split(" "))
    policy: OperationPolicy | None = account.current_policy
    rule: OperationPolicy | None = account.current_internal_rule
    roster = tuple(
        Person(e.get_duty_display(), e.name, e.affiliation, e.added_on)
        for e in RosterEntry.objects.filter(account=account, removed_on__isnull=True).order_by("duty", "pk")
    )
    devices = tuple(d.name for d in account.devices.filter(retired_on__isnull=True, approved=True))
    last_change = account.change_notices.order_by("-filed_at", "-pk").first()
    responsible = account.responsible_title
    if account.responsible_user_id:
        responsible = f"{responsible}　{_user_name(account.responsible_user)}".strip()
    reply = account.reply_policy_text or ReplyPolicy(account.reply_policy).label
    p = policy
    return AccountFacts(
        profile_id=account.municipality.profile_id,
        municipality=account.municipality.name,
        unit_path=unit_path,
        applicant=applicant or _user_name(account.responsible_user),
        account_id=account.pk,
        display_name=(p.account_name if p and p.account_name else account.display_name),
        handle=account.handle,
        url=account.url or (p.registered_url if p else ""),
        platform=account.platform,
        platform_label=(p.platform_label if p and p.platform_label else account.platform_name),
        genre=account.genre,
        purpose=(p.purpose if p and p.purpose else account.purpose),
        content=(p.content if p and p.content else account.content),
        audience=account.audience,
        reply_policy=(p.reply_policy if p and p.reply_policy else reply),
        period_start=(p.period_start if p and p.period_start else account.period_start),
        period_end=(p.period_end if p and p.period_end else account.period_end),
        operating_hours=(p.operating_hours if p and p.operating_hours else account.operating_hours),
        operator_kind=account.operator_kind,
        operator_company=account.operator_company,
        responsible=(p.responsible if p and p.responsible else responsible),
        contact=account.contact,
        registration_email=account.registration_email,
        remarks=p.remarks if p else "",
        notes=p.notes if p else "",
        ip_rights=p.ip_rights if p else "",
        disclaimer=p.disclaimer if p else "",
        other=p.other if p else "",
        rule_body=rule.body if rule else "",
        policy_version=p.version if p else None,
        devices=devices,
        roster=roster,
        acquired_on=account.acquired_at,
        closed_on=account.deleted_on_platform_at or (account.closed_at.date() if account.closed_at else None),
        change_reason=last_change.reason if last_change else "",
    )


DEMO_CITY = "みなと市"


def demo_facts(profile_id: str) -> AccountFacts:
    """A fictional account of みなと市 観光MICE推進室 with every field filled (no database)."""
    procedures = load_procedures(profile_id)
    city = DEMO_CITY
    company = "株式会社みなとデジタル"
    return AccountFacts(
        profile_id=profile_id,
        municipality=city,
        unit_path=("産業観光局", "観光MICE推進室"),
        applicant="高橋 美咲",
        display_name="みなと市観光情報",
        handle="minato_kanko",
        url="https://www.instagram.com/minato_kanko/",
        platform=Platform.INSTAGRAM,
        platform_label=Platform.INSTAGRAM.label,
        genre=Genre.TOURISM,
        purpose="みなと市の観光資源と季節の催しを国内外に発信し、来訪を促す。",
        content="観光スポット、季節の催し、観光案内所からのお知らせ",
        audience="観光客及び市に関心のある方",
        reply_policy=procedures.boilerplate("reply_none", city) or ReplyPolicy.NONE.label,
        period_start=date(2026, 4, 1),
        period_end=None,
        operating_hours=procedures.boilerplate("operating_hours", city)
        or "月曜日から金曜日までの8時45分から17時30分まで（祝日及び年末年始を除く）",
        operator_kind=OperatorKind.CONTRACTOR,
        operator_company=company,
        responsible="観光MICE推進室長　田中 健",
        contact="観光MICE推進室 075-000-0000（内線1234）",
        registration_email="kanko-sns@city.minato.example.jp",
        remarks=procedures.boilerplate("remarks_outside_operator", city, company=company)
        or f"このアカウントは{city}から業務委託された{company}が運用しています。",
        notes=procedures.boilerplate("notes", city) or "法令に違反する投稿、誹謗中傷は予告なく削除します。",
        ip_rights=procedures.boilerplate("ip_rights", city)
        or f"掲載している情報の知的財産権は、{city}又は原作者に帰属します。",
        disclaimer=procedures.boilerplate("disclaimer", city)
        or f"{city}は、利用者間のトラブルにより生じた損害について一切の責任を負いません。",
        rule_body="1 投稿は所属長の了承を得てから行う。\n2 パスワードは90日ごとに変更し、担当者以外に教えない。\n3 貸与端末以外からログインしない。",
        policy_version=1,
        devices=("観光MICE推進室 貸与スマートフォン（資産番号 K-2026-014）",),
        roster=(
            Person("運用管理者", "田中 健", "観光MICE推進室", date(2026, 4, 1)),
            Person("情報発信者", "高橋 美咲", "観光MICE推進室", date(2026, 4, 1)),
            Person("情報発信者", "木村 彩", company, date(2026, 4, 1)),
        ),
        acquired_on=date(2026, 4, 1),
        closed_on=date(2027, 3, 31),
        change_reason="運用時間を変更（土日の催しに合わせて土曜日も発信）",
    )
