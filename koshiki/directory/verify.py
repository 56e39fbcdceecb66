"""「このアカウントは公式？」: match a handle or URL against the public list, and spot imitations.

Rules of the answer:

- ``official`` is true only for an account on the public list whose account
  still exists (operating, suspended, or stopped but kept: 狛江市4(5)エ) and
  has not been deleted on the platform while awaiting removal from the list;
- a handle that belonged to an account now closed is NOT official (anyone may
  register a deleted handle again, 京都市4(2)イ); the message says it was one;
- ``lookalike_of`` lists the official accounts (same platform when it is
  known) whose handles the given one imitates, with a Japanese reason
  (``koshiki.directory.lookalike``); it is empty for an official account.

Cost: one query for the public list plus one for former accounts; the
look-alike test is O(n·m) per official handle, bounded in length.
"""

from __future__ import annotations

from typing import Any

from koshiki.directory.lookalike import lookalikes, same_handle
from koshiki.directory.platform_urls import PLATFORM_NAMES, AccountRef
from koshiki.directory.public import handle_of, is_official, public_accounts, public_state, ref_of
from koshiki.incidents.models import Impersonation
from koshiki.registry.models import Account
from koshiki.registry.states import Status


def _summary(account: Account, policy_url: str) -> dict[str, Any]:
    code, label = public_state(account)
    return {
        "id": account.pk,
        "municipality": account.municipality.name,
        "display_name": account.display_name,
        "platform": account.platform,
        "platform_name": account.platform_name,
        "handle": handle_of(account),
        "url": account.url,
        "status": code,
        "status_name": label,
        "policy_url": policy_url,
    }


def _matches(ref: AccountRef, account: Account) -> bool:
    own = ref_of(account)
    if own is None:
        return False
    if ref.platform is not None and own.platform != ref.platform:
        return False
    return same_handle(ref.handle, own.handle)


def verify(
    ref: AccountRef,
    policy_url_of: Any,
    *,
    listed: list[Account] | None = None,
    closed: list[Account] | None = None,
) -> dict[str, Any]:
    """The verify API's answer for one handle/URL (``policy_url_of(account) -> str`` builds links).

    ``listed`` (the public list) and ``closed`` (closed accounts once listed) may come
    prepared from ``directory.cache.snapshot``; else they are read here.
    """
    if listed is None:
        listed = list(public_accounts())
    official = [a for a in listed if is_official(a)]
    where = f"（{PLATFORM_NAMES[ref.platform]}）" if ref.platform else ""

    for account in official:
        if _matches(ref, account):
            code, label = public_state(account)
            note = "" if code == "active" else f"（現在は{label}）"
            return {
                "official": True,
                "account": _summary(account, policy_url_of(account)),
                "lookalike_of": [],
                "message": f"「{account.display_name}」は{account.municipality.name}の公式アカウントです{note}。",
            }

    # A handle the city confirmed as an impersonation (incidents app): say so and name the real account.
    known = Impersonation.objects.select_related("real_account__municipality").filter(
        handle__iexact=ref.handle.lstrip("@")
    )
    for imp in known:
        if ref.platform is not None and imp.platform != ref.platform:
            continue
        real = imp.real_account
        return {
            "official": False,
            "account": None,
            "lookalike_of": [{**_summary(real, policy_url_of(real)), "reason": "なりすましと確認済み"}],
            "impersonation_of": _summary(real, policy_url_of(real)),
            "message": (
                f"このID{where}は{real.municipality.name}が確認したなりすましです。公式アカウントではありません。"
                f"本物は「{real.display_name}」（@{handle_of(real)}）です。"
            ),
        }

    if closed is None:
        closed = list(
            Account.objects.filter(
                status=Status.CLOSED, listed_at__isnull=False, is_listed=False
            ).select_related("municipality")
        )
    former = [a for a in listed if not is_official(a)] + closed
    former_match = next((a for a in former if _matches(ref, a)), None)

    candidates = [a for a in official if ref.platform is None or a.platform == ref.platform]
    by_handle: dict[str, list[Account]] = {}
    for account in candidates:
        handle = handle_of(account)
        if handle:
            by_handle.setdefault(handle, []).append(account)
    similar = []
    for handle, reason in lookalikes(ref.handle, by_handle):
        for account in by_handle[handle]:
            similar.append({**_summary(account, policy_url_of(account)), "reason": reason})

    if former_match is not None:
        message = (
            f"このID{where}は以前「{former_match.display_name}」（{former_match.municipality.name}）の公式アカウントでしたが、"
            "廃止されており、現在は公式アカウントではありません。"
        )
    elif similar:
        names = "、".join(f"「{s['display_name']}」（@{s['handle']}）" for s in similar[:3])
        message = f"公式アカウント一覧にないアカウント{where}です。公式アカウント{names}に似ています。なりすましにご注意ください。"
    else:
        message = f"公式アカウント一覧にないアカウント{where}です。"
    return {"official": False, "account": None, "lookalike_of": similar, "message": message}
