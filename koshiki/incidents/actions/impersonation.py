"""A confirmed impersonation: link the impersonating handle to the real account, and warn the public.

Once linked, ``/public/verify`` answers ``"official": false`` for that handle
with a warning naming the real account (the directory reads ``Impersonation``);
the notice, once published, is shown on the public list (京都市4(4)イ,
安芸高田市4(2)イ 「市ホームページなどで注意喚起」, 狛江市ポリシー見本第7条2).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.incidents import access
from koshiki.incidents.actions.common import add_entry, lock_incident, playbook_of, require_open
from koshiki.incidents.models import Impersonation, Incident
from koshiki.incidents.states import Kind
from koshiki.registry.models import Account
from koshiki.registry.states import EXISTING_STATES, Platform


def clean_handle(handle: str) -> str:
    """``@minato_city_jp `` -> ``minato_city_jp``."""
    return (handle or "").strip().lstrip("@＠").strip()


def _require_confirmer(actor: Person, incident: Incident) -> None:
    require(
        incident.account is not None and access.can_freeze(actor, incident.account, playbook_of(incident)),
        "なりすましを確認できるのは所管課とアカウントの所属長です",
    )


def do_confirm_impersonation(
    actor: Person, incident: Incident, *, platform: str, handle: str, url: str = ""
) -> Impersonation:
    """Link the impersonating handle (same platform as the real account unless told) to the incident's account."""
    if incident.kind != Kind.IMPERSONATION:
        raise ActionError("なりすましの事案ではありません")
    _require_confirmer(actor, incident)
    handle = clean_handle(handle)
    if not handle:
        raise ActionError("なりすましのIDを入力してください")
    if platform not in Platform.values:
        raise ActionError("ソーシャルメディアの種類を選んでください")
    url = (url or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise ActionError("URL は http:// か https:// で始めてください")
    with transaction.atomic():
        inc = lock_incident(incident)
        require_open(inc)
        real = inc.account
        if Impersonation.objects.filter(incident=inc).exists():
            raise ActionError("この事案のなりすましは既に確認されています")
        if (
            real.handle
            and clean_handle(real.handle).casefold() == handle.casefold()
            and real.platform == platform
        ):
            raise ActionError("本物のアカウントと同じIDです。なりすましのIDを入力してください")
        # A careless confirmation must not brand another official account as a fake.
        official = Account.objects.filter(
            platform=platform, handle__iexact=handle, status__in=EXISTING_STATES
        ).first()
        if official is not None:
            raise ActionError(
                f"「{official.display_name}」（{official.municipality}）の公式アカウントのIDです。なりすましとして登録できません"
            )
        playbook = playbook_of(inc)
        imp = Impersonation.objects.create(
            municipality=inc.municipality,
            real_account=real,
            platform=platform,
            handle=handle[:100],
            url=url[:500],
            incident=inc,
            confirmed_by=actor,
            confirmed_at=timezone.now(),
            notice=playbook.impersonation_notice.replace("{handle}", f"@{handle}").replace(
                "{real}", real.display_name
            ),
        )
        add_entry(
            inc,
            actor,
            "impersonation",
            f"@{handle} を「{real.display_name}」のなりすましと確認（公式確認で「公式ではない」と回答）",
        )
        record_event(
            actor,
            "incident.impersonation",
            imp,
            {},
            {"platform": platform, "handle": handle, "real_account": real.pk},
            details={"incident": inc.pk, "url": url},
            municipality=inc.municipality,
        )
    return imp


def do_publish_notice(actor: Person, incident: Incident, *, notice: str = "") -> Impersonation:
    """Publish the warning on the public list of official accounts (text editable once, before publishing)."""
    _require_confirmer(actor, incident)
    with transaction.atomic():
        inc = lock_incident(incident)
        require_open(inc)
        imp = Impersonation.objects.select_for_update().filter(incident=inc).first()
        if imp is None:
            raise ActionError("先になりすましのアカウントを確認してください")
        if imp.notice_published_at is not None:
            raise ActionError("注意喚起は既に掲載されています")
        text = (notice or "").strip() or imp.notice
        if not text:
            raise ActionError("注意喚起の文面を入力してください")
        imp.notice, imp.notice_published_at = text[:1000], timezone.now()
        imp.save(update_fields=["notice", "notice_published_at"])
        add_entry(inc, actor, "notice", f"公式アカウント一覧に注意喚起を掲載: {imp.notice}")
        record_event(
            actor,
            "incident.notice",
            imp,
            {"notice_published_at": None},
            {"notice": imp.notice},
            municipality=inc.municipality,
        )
    return imp
