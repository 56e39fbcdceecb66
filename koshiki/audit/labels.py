"""Japanese names for the audit trail: action codes and the objects events point at.

One mapping for every action code the actions record (``record_event(actor, "<code>", ...)``
in ``koshiki/*/actions.py`` and the login lock in ``koshiki/web/login.py``). The lifecycle
steps record ``account.<kind>``; their names come from ``registry.lifecycle.KINDS`` so a new
step kind is named in one place. An unknown code is shown as the code itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError

from koshiki.audit.events import actor_label
from koshiki.registry.lifecycle import KINDS

ACTION_LABELS: dict[str, str] = {
    # org
    "org.municipality.create": "自治体の登録",
    "org.unit.create": "組織の追加",
    "org.person.create": "職員の登録",
    "org.role.assign": "役割の付与",
    "org.role.end": "役割の終了",
    # registry (besides the lifecycle steps below)
    "account.create": "開設申請の作成",
    "account.update": "アカウント情報の更新",
    "account.security": "セキュリティ情報の更新",
    "account.roster.add": "運用者名簿への追加",
    "account.roster.remove": "運用者名簿からの削除",
    "account.device.add": "利用端末の登録",
    "account.device.approve": "利用端末の承認",
    "account.device.retire": "利用端末の廃止",
    "account.app.link": "連携アプリの登録",
    "account.app.revoke": "連携アプリの解除",
    # posts
    "posts.draft.create": "投稿案の作成",
    "posts.draft.edit": "投稿案の編集",
    "posts.draft.submit": "投稿案の承認依頼",
    "posts.draft.approve": "投稿案の承認",
    "posts.draft.return": "投稿案の差戻し",
    "posts.draft.recall": "承認依頼の引戻し",
    "posts.draft.withdraw": "投稿案の取下げ",
    "posts.draft.second_check": "複数の職員による確認",
    "posts.draft.post_under_scope": "事前承認の範囲での投稿",
    "posts.draft.publish": "投稿の記録",
    "posts.scopes.set": "事前承認の範囲の設定",
    "posts.report.confirm": "事後の報告の確認",
    "posts.correction.start": "訂正の開始",
    "posts.campaign.create": "第三者への発信依頼の登録",
    "posts.campaign.reissue_link": "提出用リンクの再発行",
    "posts.campaign.close": "第三者への発信依頼の終了",
    "posts.campaign.submit": "第三者からの投稿案の提出",
    "posts.campaign.precheck": "第三者の投稿案の事前確認",
    "posts.campaign.publish": "第三者の投稿の記録",
    "posts.campaign.recheck": "第三者の投稿の再確認",
    # attachments (images and videos on drafts)
    "posts.media.attach": "画像・動画の添付",
    "posts.media.detach": "画像・動画の取り外し",
    "posts.media.describe": "画像・動画の代替テキスト等の変更",
    "posts.media.clean": "画像・動画の位置情報などの削除",
    "posts.media.record": "画像・動画の権利・同意の記録",
    # api
    "api.token.create": "APIトークンの発行",
    "api.token.revoke": "APIトークンの失効",
    # web
    "auth.login.lock": "ログインの一時停止",
    # lifecycle steps (registry.actions._run_step records "account.<kind>")
    **{f"account.{kind}": label for kind, label in KINDS.items()},
}


def action_label(code: str) -> str:
    """The Japanese name of an action code, or the code itself when unknown."""
    return ACTION_LABELS.get(code, code)


# Related rows each object's ``str()`` reads, loaded with it so naming costs no extra query.
_SELECT_RELATED: dict[str, tuple[str, ...]] = {
    "org.roleassignment": ("user", "unit", "account", "municipality"),
    "posts.revision": ("draft",),
    "posts.approvalrun": ("draft", "revision"),
    "posts.approvaldecision": ("approver",),
    "posts.secondcheck": ("draft", "revision"),
    "posts.posthocreport": ("draft",),
    "posts.publication": ("draft",),
    "posts.campaignsubmission": ("campaign",),
    "posts.campaignpublication": ("submission__campaign",),
    "registry.application": ("account",),
    "registry.operationpolicy": ("account",),
    "registry.changenotice": ("account",),
}


def _name(obj: Any) -> str:
    if hasattr(obj, "get_username"):  # a user: full name and login, as the trail names actors
        return actor_label(obj)
    return str(obj)


def object_names(events: Iterable[Any]) -> dict[tuple[str, str], str]:
    """{(object_type, object_id): name} for the events' objects, one query per object type.

    Types that are not models (``auth.login``) and rows since deleted are left out; the
    caller shows the type and id for those.
    """
    wanted: dict[str, set[Any]] = defaultdict(set)
    for e in events:
        wanted[e.object_type].add(e.object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, raw_ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        ids = []
        for raw in raw_ids:
            try:
                ids.append(model._meta.pk.to_python(raw))
            except ValidationError:
                continue
        if not ids:
            continue
        qs = model._default_manager.select_related(*_SELECT_RELATED.get(object_type, ()))
        for pk, obj in qs.in_bulk(ids).items():
            names[(object_type, str(pk))] = _name(obj)
    return names


def object_type_label(object_type: str) -> str:
    """The model's Japanese name (verbose_name) for an object type, or the type itself."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
