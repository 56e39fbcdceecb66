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

Cost: one query for the public list, one for the registry's version, one
for confirmed impersonations and one for former accounts. The official
handles' comparison forms are computed once per registry version and kept
in the process (``official_forms_of``); the look-alike test is then
O(n·m) per official handle, bounded in length, and most official handles
are ruled out by a substring test before any edit distance is computed.
"""

from __future__ import annotations

from typing import Any

from koshiki.directory.lookalike import HandleForms, lookalikes, official_forms, same_handle
from koshiki.directory.platform_urls import PLATFORM_NAMES, AccountRef
from koshiki.directory.public import (
    handle_of,
    is_official,
    public_accounts,
    public_policy,
    public_state,
    ref_of,
)
from koshiki.incidents.models import Impersonation
from koshiki.org.models import Municipality
from koshiki.registry.models import Account
from koshiki.registry.states import Status

# {official handle: its comparison forms}. A handle's forms depend on the handle alone, so an
# entry is never stale and needs no registry version (no query); the bound lets removed handles go.
_FORMS_LIMIT = 100_000
_forms_cache: dict[str, HandleForms] = {}


def official_forms_of(handles: list[str]) -> list[HandleForms]:
    """The comparison forms of official handles, each computed once per process (no query)."""
    global _forms_cache
    cached = _forms_cache
    missing = [h for h in handles if h not in cached]
    if missing:
        # A new dict, swapped in whole: a thread reading the old one is never disturbed.
        base = cached if len(cached) + len(missing) <= _FORMS_LIMIT else {}
        cached = {**base, **{h: official_forms(h) for h in missing}}
        _forms_cache = cached
    return [cached[h] for h in handles]


def _summary(account: Account, policy_url: str) -> dict[str, Any]:
    code, label = public_state(account)
    policy = public_policy(account)
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
        # 所管課 as the published policy names it (the public list's 運用 column).
        "operator": policy.unit_label if policy and policy.unit_label else account.operator_label,
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
    municipality: Municipality | None = None,
    *,
    listed: list[Account] | None = None,
    closed: list[Account] | None = None,
) -> dict[str, Any]:
    """The verify API's answer for one handle/URL (``policy_url_of(account) -> str`` builds links).

    ``municipality``: answer from that city's directory only (/public/<slug>/verify).
    ``listed`` (the public list) and ``closed`` (closed accounts once listed) may come
    prepared from ``directory.cache.snapshot``; else they are read here.
    """
    if listed is None:
        listed = list(public_accounts(municipality))
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
    if municipality is not None:
        known = known.filter(real_account__municipality=municipality)
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
            Account.objects.filter(status=Status.CLOSED, listed_at__isnull=False, is_listed=False)
            .filter(**({"municipality": municipality} if municipality is not None else {}))
            .select_related("municipality")
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
    handles = list(by_handle)
    prepared = dict(zip(handles, official_forms_of(handles), strict=True))
    for handle, reason in lookalikes(ref.handle, list(prepared.values())):
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
    answer = {"official": False, "account": None, "lookalike_of": similar, "message": message}
    if former_match is not None:
        answer["former_account"] = _summary(former_match, policy_url_of(former_match))
    return answer
