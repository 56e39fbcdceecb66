"""Emergency controls and their enforcement by the posts and campaigns actions; impersonation answered
by /public/verify; evidence hashed into the trail; playbook files validated at load."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.states import PosterKind
from koshiki.checker.profiles import ProfileError
from koshiki.errors import ActionError
from koshiki.incidents import actions
from koshiki.incidents.models import FreezeRecord
from koshiki.incidents.playbooks import load_playbook
from koshiki.incidents.states import Kind
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role
from koshiki.posts import actions as post_actions
from koshiki.registry import actions as registry_actions
from koshiki.registry.models import Account
from tests.personas import WORKDAY_NOON, make_user

pytestmark = pytest.mark.django_db

POOL = "市民プールは7月1日から営業します。営業時間は9時から17時までです。"
FACT = "本日開催の「京都マラソン2026」は、9時に西京極総合運動公園をスタートしました。"
GOOD = "#PR #京都市 紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁 #紅葉"
URL = "https://x.com/kyoto_koho/status/200"


def _approved(city, text=POOL):
    draft = post_actions.do_create_draft(city.operator, city.account, text)
    post_actions.do_submit(city.operator, draft)
    post_actions.do_approve(city.head, draft)
    return draft


def _campaign(city):
    return campaign_actions.do_create_campaign(
        city.operator,
        city.account,
        name="秋の京都観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
    )


def _fresh(account):
    return Account.objects.get(pk=account.pk)


def test_a_frozen_account_refuses_publication_scope_posts_and_third_party_links(kyoto):
    draft = _approved(kyoto)
    post_actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    scoped = post_actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    campaign, token = _campaign(kyoto)
    submission = campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(kyoto.head, submission, accept=True)

    with pytest.raises(PermissionDenied, match="所管課とアカウントの所属長"):
        actions.do_freeze_account(kyoto.operator, kyoto.account, reason="乗っ取りの疑い")
    with pytest.raises(ActionError, match="緊急停止の理由を入力"):
        actions.do_freeze_account(kyoto.head, kyoto.account, reason=" ")
    actions.do_freeze_account(kyoto.head, kyoto.account, reason="深夜に心当たりのない投稿")
    with pytest.raises(ActionError, match="既に緊急停止中"):
        actions.do_freeze_account(kyoto.office, kyoto.account, reason="重ねて")

    with pytest.raises(ActionError, match="緊急停止中のため、投稿を記録できません.*心当たりのない投稿"):
        post_actions.do_record_publication(kyoto.operator, draft, url=URL, published_at=WORKDAY_NOON)
    with pytest.raises(ActionError, match="緊急停止中のため、事前承認の範囲で投稿できません"):
        post_actions.do_post_under_scope(
            kyoto.operator,
            scoped,
            "facts",
            url=URL + "1",
            published_at=WORKDAY_NOON,
            no_second_check_reason="1名",
        )
    with pytest.raises(ActionError, match="一時停止されています"):
        campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    with pytest.raises(ActionError, match="緊急停止中のため、第三者の投稿を記録できません"):
        campaign_actions.do_record_campaign_publication(
            kyoto.head, submission, url="https://www.instagram.com/p/x", text=GOOD, published_at=WORKDAY_NOON
        )
    with pytest.raises(ActionError, match="緊急停止中のため、第三者への発信依頼を作成できません"):
        _campaign(kyoto)
    with pytest.raises(ActionError, match="緊急停止中のため、提出リンクを発行できません"):
        campaign_actions.do_reissue_campaign_token(kyoto.operator, campaign)
    with pytest.raises(ActionError, match="緊急停止中のため、連携アプリを追加できません"):
        registry_actions.do_link_app(kyoto.operator, kyoto.account, name="予約投稿ツール")
    # The other account of the city is not touched.
    other_draft = post_actions.do_create_draft(kyoto.other_operator, kyoto.other_account, POOL)
    assert other_draft.pk

    with pytest.raises(ActionError, match="解除の理由を入力"):
        actions.do_unfreeze_account(kyoto.head, kyoto.account, reason="")
    with pytest.raises(PermissionDenied):
        actions.do_unfreeze_account(kyoto.head_b, kyoto.account, reason="他課の所属長")
    actions.do_unfreeze_account(kyoto.office, kyoto.account, reason="パスワード変更と連携解除を確認")
    assert not _fresh(kyoto.account).is_frozen
    post_actions.do_record_publication(kyoto.operator, draft, url=URL, published_at=WORKDAY_NOON)
    assert campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ").number == 2

    rows = list(
        FreezeRecord.objects.filter(account=kyoto.account)
        .order_by("at", "pk")
        .values_list("frozen", "reason")
    )
    assert rows == [(True, "深夜に心当たりのない投稿"), (False, "パスワード変更と連携解除を確認")]
    unfreeze = AuditEvent.objects.get(action="account.unfreeze")
    assert unfreeze.summary["details"]["reason"] == "パスワード変更と連携解除を確認"
    assert unfreeze.summary["before"]["frozen_reason"] == "深夜に心当たりのない投稿"
    with pytest.raises(ActionError, match="緊急停止されていません"):
        actions.do_unfreeze_account(kyoto.office, kyoto.account, reason="二度目")


def test_city_wide_emergency_freezes_every_account_and_only_the_office_may(kyoto):
    with pytest.raises(PermissionDenied, match="所管課"):
        actions.do_freeze_all(kyoto.head, kyoto.municipality, reason="不正アクセス")
    records = actions.do_freeze_all(
        kyoto.office, kyoto.municipality, reason="庁内ネットワークへの不正アクセスの疑い"
    )
    assert {r.account_id for r in records} == {kyoto.account.pk, kyoto.other_account.pk}
    assert all(r.city_wide for r in records)
    with pytest.raises(ActionError, match="停止できるアカウントがありません"):
        actions.do_freeze_all(kyoto.office, kyoto.municipality, reason="再度")
    draft = _approved(kyoto)
    with pytest.raises(ActionError, match="緊急停止中"):
        post_actions.do_record_publication(kyoto.operator, draft, url=URL, published_at=WORKDAY_NOON)
    with pytest.raises(ActionError, match="停止した人とは別の担当者"):
        actions.do_unfreeze_all(kyoto.office, kyoto.municipality, reason="調査の結果、被害なし")
    second = make_user("kyo_office2", family="木村", given="彩")
    do_assign_role(
        second, Role.GOVERNANCE_OFFICE, municipality=kyoto.municipality, bootstrap=True, actor=None
    )
    actions.do_unfreeze_all(second, kyoto.municipality, reason="調査の結果、被害なし")
    assert not Account.objects.filter(frozen_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="account.unfreeze").count() == 2
    assert verify_chain().ok


def test_hijack_freeze_from_the_incident_is_on_its_timeline(make_city):
    komae = make_city("komae")
    incident = actions.do_open_incident(
        komae.operator, komae.municipality, kind=Kind.HIJACK, account=komae.account, title="乗っ取り"
    )
    with pytest.raises(ActionError, match="対象ではないアカウント"):
        actions.do_freeze_account(komae.office, komae.other_account, reason="x", incident=incident)
    actions.do_freeze_account(komae.head, komae.account, reason="乗っ取りの疑い", incident=incident)
    with pytest.raises(ActionError, match="停止した人とは別の担当者"):
        actions.do_unfreeze_account(komae.head, komae.account, reason="復旧を確認")
    actions.do_unfreeze_account(komae.office, komae.account, reason="復旧を確認")
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds == ["opened", "freeze", "unfreeze"]


def test_confirmed_impersonation_is_answered_official_false_naming_the_real_account(kyoto, client):
    before = client.get("/public/verify", {"handle": "kyoto_koho_official"}).json()
    assert before["official"] is False and "impersonation_of" not in before
    incident = actions.do_open_incident(
        kyoto.operator,
        kyoto.municipality,
        kind=Kind.IMPERSONATION,
        account=kyoto.account,
        title="偽の広報アカウント",
    )
    with pytest.raises(ActionError, match="本物のアカウントと同じID"):
        actions.do_confirm_impersonation(kyoto.head, incident, platform="x", handle="@kyoto_koho")
    with pytest.raises(ActionError, match="京都市観光.*公式アカウントのIDです"):
        actions.do_confirm_impersonation(kyoto.head, incident, platform="instagram", handle="kyoto_kanko")
    actions.do_confirm_impersonation(
        kyoto.head,
        incident,
        platform="x",
        handle="@Kyoto_Koho_Official",
        url="https://x.com/Kyoto_Koho_Official",
    )
    data = client.get("/public/verify", {"url": "https://x.com/kyoto_koho_official"}).json()
    assert data["official"] is False and data["account"] is None
    assert data["impersonation_of"]["display_name"] == "京都市広報"
    assert (
        "なりすまし" in data["message"]
        and "京都市広報" in data["message"]
        and "@kyoto_koho" in data["message"]
    )
    # The real account still answers official; the same handle on another platform is not this impersonation.
    assert client.get("/public/verify", {"url": "https://x.com/kyoto_koho"}).json()["official"] is True
    other = client.get("/public/verify", {"url": "https://www.instagram.com/kyoto_koho_official/"}).json()
    assert "impersonation_of" not in other
    # The notice appears on the public list once published.
    assert 'id="notices-title"' not in client.get("/public/accounts/").content.decode()
    actions.do_publish_notice(kyoto.head, incident)
    page = client.get("/public/accounts/").content.decode()
    assert "@Kyoto_Koho_Official は本市の公式アカウントではありません。本物は「京都市広報」です。" in page


def test_evidence_hash_is_in_the_audit_event(kyoto):
    incident = actions.do_open_incident(
        kyoto.operator, kyoto.municipality, kind=Kind.FLAMING, account=kyoto.account, title="炎上"
    )
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    ev = actions.do_add_evidence(
        kyoto.operator, incident, file_name="スクリーンショット.png", content=png, content_type="image/png"
    )
    digest = hashlib.sha256(png).hexdigest()
    assert ev.sha256 == digest and bytes(ev.content) == png
    event = AuditEvent.objects.get(action="incident.evidence")
    assert event.summary["after"]["sha256"] == digest and event.summary["after"]["size"] == len(png)
    text_ev = actions.do_add_evidence(kyoto.operator, incident, text="市の対応は遅すぎる！")
    assert text_ev.sha256 == hashlib.sha256("市の対応は遅すぎる！".encode()).hexdigest()
    with pytest.raises(ActionError, match="どれか一つ"):
        actions.do_add_evidence(kyoto.operator, incident, url="https://x.com/a", text="b")
    with pytest.raises(ActionError, match="大きすぎます"):
        actions.do_add_evidence(
            kyoto.operator, incident, file_name="big.png", content=b"0" * (5 * 1024 * 1024 + 1)
        )
    with pytest.raises(PermissionDenied):
        actions.do_add_evidence(kyoto.other_operator, incident, text="他課")
    with pytest.raises(PermissionDenied):
        actions.do_add_evidence(kyoto.auditor, incident, text="監査")
    assert verify_chain().ok


def _write(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "playbooks"
    directory.mkdir(exist_ok=True)
    (directory / "standard.toml").write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (
            '[playbook]\nguideline = "x"\nfreeze_roles = ["mayor"]\n',
            "playbook.freeze_roles",
            "「mayor」は使えません",
        ),
        ('[kinds.typhoon]\nclause = "x"\nsteps = []\n', "kinds.typhoon", "不明な事案の種類"),
        (
            '[kinds.hijack]\nclause = "x"\nsteps = [{ id = "a", title = "t", clause = "c", roles = ["operator"], after = ["b"] }]\n',
            "kinds.hijack.steps[0].after",
            "「b」はこの手順より前にありません",
        ),
        (
            '[kinds.hijack]\nclause = "x"\nsteps = [{ id = "a", title = "t", clause = "c", roles = ["operator"], due_minutes = -5 }]\n',
            "kinds.hijack.steps[0].due_minutes",
            "1以上の整数",
        ),
        (
            '[playbook]\nguideline = "x"\nsecond_person = true\n',
            "playbook.second_person_clause",
            "根拠の条項",
        ),
    ],
)
def test_a_broken_playbook_names_file_key_and_problem(tmp_path, text, key, problem):
    directory = _write(tmp_path, text)
    load_playbook.cache_clear()
    try:
        with pytest.raises(ProfileError) as info:
            load_playbook("standard", directory)
    finally:
        load_playbook.cache_clear()
    assert info.value.key == key and problem in info.value.problem and "standard.toml" in info.value.path


@pytest.mark.parametrize("profile", ["kyoto", "komae", "ishinomaki", "akitakata", "kawasaki", "standard"])
def test_every_profile_has_a_playbook_for_every_kind(profile):
    playbook = load_playbook(profile)
    assert set(playbook.kinds) == set(Kind.values)
    assert all(s.clause for k in playbook.kinds.values() for s in k.steps)
