"""What the public directory shows: which accounts, in which public state, with which fields.

One place decides what citizens see, so the HTML list, the open data (JSON,
CSV), the policy pages and the verify API never disagree:

- an account appears only while it is on the public list (``is_listed``: set
  by the profile's "list" step, cleared by its "unlist" effect) AND its state
  is one where the account exists or was closed; an application (draft,
  under review, approved, withdrawn) never appears, whatever the flag says;
- stopped accounts that a profile keeps on the list (狛江市4(5)エ: not deleted,
  followers pointed to the city's main account) appear marked as such;
  a profile that deletes and unlists on closure (京都市4(2)イ) shows nothing.

Only the public operation policy (様式1) is ever shown; Kawasaki's internal
operating rule (川崎市5(5)) never is. Cost: one query for the list
(accounts with municipality, unit, policy and redirect target joined).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from koshiki.directory.platform_urls import AccountRef, parse_account_url
from koshiki.org.models import Municipality
from koshiki.registry.models import Account, OperationPolicy
from koshiki.registry.states import APPLICATION_STATES, EXISTING_STATES, Genre, PolicyKind, Status

# Public state of each visible lifecycle state: code (stable, open data) and label.
PUBLIC_STATES: dict[str, tuple[str, str]] = {
    Status.ACQUIRED: ("active", "運用中"),
    Status.LISTING_REQUESTED: ("active", "運用中"),
    Status.REGISTERED: ("active", "運用中"),
    Status.LISTED: ("active", "運用中"),
    Status.SUSPENDED: ("suspended", "休止中"),
    Status.CLOSING: ("closing", "運用終了の予定"),
    Status.RETAINED: ("stopped", "運用停止（アカウントは保全）"),
    Status.CLOSED: ("closed", "廃止"),
}
VISIBLE_STATES = frozenset(EXISTING_STATES | {Status.CLOSED}) - APPLICATION_STATES
# States in which the account is still the city's: "official" in the verify API
# (unless it has already been deleted on the platform, see ``is_official``).
OFFICIAL_STATES = frozenset(EXISTING_STATES)
# An account deleted on the platform while the office has yet to unlist it
# (京都市4(2)イ: delete first, then 様式4 → the list is updated).
DELETED_STATE = ("closed", "廃止（アカウント削除済み）")
OTHER_GENRE = ("other", "その他")


def public_accounts(municipality: Municipality | None = None) -> QuerySet[Account]:
    """Every account the public directory shows, in list order (one query when evaluated).

    ``municipality``: only that city's (its own directory, /public/<slug>/accounts/).
    """
    qs = (
        Account.objects.listed()
        if municipality is None
        else Account.objects.listed().filter(municipality=municipality)
    )
    return (
        qs.filter(status__in=VISIBLE_STATES)
        .select_related("municipality", "owning_unit", "current_policy", "redirect_to")
        .order_by("municipality__name", "genre", "display_name", "pk")
    )


def public_state(account: Account) -> tuple[str, str]:
    """(code, label) of the account's public state, e.g. ("stopped", "運用停止（アカウントは保全）")."""
    if account.deleted_on_platform_at is not None:
        return DELETED_STATE
    return PUBLIC_STATES.get(account.status, ("active", "運用中"))


def is_official(account: Account) -> bool:
    """Still the city's account: it exists on the platform and was not deleted there.

    Once deleted, anyone may register the handle again (京都市4(2)イ), so the
    verify API must stop calling it official even before it leaves the list.
    """
    return account.status in OFFICIAL_STATES and account.deleted_on_platform_at is None


def handle_of(account: Account) -> str:
    """The account's handle: the registered one, else the one its URL names ("" if neither)."""
    if account.handle.strip():
        return account.handle.strip().lstrip("@")
    ref = ref_of(account)
    return ref.handle if ref else ""


def ref_of(account: Account) -> AccountRef | None:
    """Platform and handle of the account (from the handle field, else from its URL)."""
    if account.handle.strip():
        return AccountRef(account.platform, account.handle.strip().lstrip("@"))
    if account.url:
        try:
            return parse_account_url(account.url)
        except ValueError:
            return None
    return None


def public_policy(account: Account) -> OperationPolicy | None:
    """The published operation policy version, never the internal rule."""
    policy = account.current_policy
    if policy is None or policy.kind != PolicyKind.PUBLIC:
        return None
    return policy


@dataclass(frozen=True)
class GenreGroup:
    """Accounts of one genre (京都市 様式2 掲載ジャンル) for the HTML list."""

    code: str
    label: str
    accounts: list[Account]


def by_genre(accounts: Iterable[Account]) -> list[GenreGroup]:
    """Group in the genre order of the listing form; accounts without a genre come last."""
    groups: dict[str, list[Account]] = {}
    for account in accounts:
        groups.setdefault(account.genre or OTHER_GENRE[0], []).append(account)
    order = [(g.value, g.label) for g in Genre] + [OTHER_GENRE]
    return [GenreGroup(code, str(label), groups[code]) for code, label in order if code in groups]


def account_data(account: Account, policy_url: str) -> dict[str, Any]:
    """The open-data record of one account (keys documented in docs/open-data.md; stable)."""
    policy = public_policy(account)
    code, label = public_state(account)
    genre_label = account.get_genre_display() if account.genre else ""
    redirect = account.redirect_to
    return {
        "id": account.pk,
        "municipality": account.municipality.name,
        "display_name": account.display_name,
        "platform": account.platform,
        "platform_name": account.platform_name,
        "handle": handle_of(account),
        "url": account.url,
        "genre": account.genre,
        "genre_name": str(genre_label),
        "operator": (policy.unit_label if policy and policy.unit_label else account.operator_label),
        "operator_kind": account.operator_kind,
        "operator_kind_name": str(account.get_operator_kind_display()),
        "operator_company": account.operator_company,
        "purpose": policy.purpose if policy else account.purpose,
        "content": policy.content if policy else account.content,
        "reply_policy": (policy.reply_policy if policy else account.reply_policy_text),
        "status": code,
        "status_name": label,
        "listed_on": timezone.localdate(account.listed_at).isoformat() if account.listed_at else None,
        "policy_url": policy_url,
        "policy_version": policy.version if policy else None,
        "redirect_to": redirect.pk if redirect is not None else None,
        "redirect_to_name": redirect.display_name if redirect is not None else "",
    }


# CSV columns: (JSON key, Japanese header). Order and names are a contract (docs/open-data.md).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "番号"),
    ("municipality", "自治体名"),
    ("display_name", "アカウント名"),
    ("platform", "種類コード"),
    ("platform_name", "ソーシャルメディアの種類"),
    ("handle", "ID"),
    ("url", "URL"),
    ("genre", "ジャンルコード"),
    ("genre_name", "掲載ジャンル"),
    ("operator", "運用する組織"),
    ("operator_kind", "運用者区分コード"),
    ("operator_kind_name", "運用者の区分"),
    ("operator_company", "運用する会社・団体"),
    ("purpose", "利用目的"),
    ("content", "発信情報"),
    ("reply_policy", "投稿に対する返信"),
    ("status", "状態コード"),
    ("status_name", "状態"),
    ("listed_on", "一覧掲載日"),
    ("policy_url", "運用ポリシーURL"),
    ("policy_version", "運用ポリシーの版"),
    ("redirect_to", "誘導先の番号"),
    ("redirect_to_name", "誘導先のアカウント名"),
)
