"""Each city's playbook lived end to end by the people in it: who is told, in what order, and what
is refused when a step is skipped or done alone where the profile forbids it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.incidents import access, actions
from koshiki.incidents.models import StepDone, TimelineEntry
from koshiki.incidents.states import IncidentStatus, Kind
from koshiki.notify.models import Notification
from koshiki.registry.models import Account

pytestmark = pytest.mark.django_db

SCREEN = (
    "【重要】本アカウントはキャンペーン当選者を募集中です。こちらから登録 http://minato-prize.example.com"
)


def told(person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person, kind="incidents.step")
        .order_by("pk")
        .values_list("title", flat=True)
    )


def step(city, who, incident, step_id, note=""):
    return actions.do_complete_step(city.people[who], incident, step_id, note=note)


def test_komae_hijack_chain_manager_then_section_head_then_security_officer(make_city):
    komae = make_city("komae")
    op = komae.operator
    incident = actions.do_open_incident(
        op, komae.municipality, kind=Kind.HIJACK, account=komae.account, title="心当たりのない投稿が2件"
    )
    step(komae, "operator", incident, "confirm", "22時台に当選者募集の投稿。担当者は投稿していない")
    # Nobody above is told before the manager reports; the security officer hears only from the head.
    with pytest.raises(ActionError, match="先に「管理者は速やかに所属長に連絡する」"):
        step(komae, "head", incident, "report_security")
    with pytest.raises(PermissionDenied, match="担当者です"):
        step(komae, "head", incident, "report_head")
    step(komae, "operator", incident, "report_head")
    # The heads of 広報課 are told, not the head of the bureau above, nor another unit's.
    assert told(komae.head) and told(komae.head2)
    # Both heads told by one step find it waiting in their inbox: telling the second does not
    # settle the first one's notice (only a later step on the incident does).
    for head in (komae.head, komae.head2):
        assert Notification.objects.unread().filter(recipient=head, kind="incidents.step").count() == 1
    assert not told(komae.bureau_head) and not told(komae.head_b) and not told(komae.security)
    step(komae, "head", incident, "report_security")
    assert "乗っ取り" in told(komae.security)[0]
    # Delete only after the screen is saved (画面を保存するなど記録を残した上で).
    with pytest.raises(ActionError, match="先に「画面を保存するなど記録を残す」"):
        step(komae, "operator", incident, "delete")
    with pytest.raises(ActionError, match="記録を残してください"):
        step(komae, "operator", incident, "save_evidence")
    actions.do_add_evidence(op, incident, text=SCREEN, note="投稿の本文を写した")
    step(komae, "operator", incident, "save_evidence")
    for later in ("delete", "change_password", "revoke_apps", "monitor"):
        step(komae, "operator", incident, later)
    order = list(StepDone.objects.filter(incident=incident).order_by("pk").values_list("step_id", flat=True))
    assert order == [
        "confirm",
        "report_head",
        "report_security",
        "save_evidence",
        "delete",
        "change_password",
        "revoke_apps",
        "monitor",
    ]
    actions.do_close_incident(
        op, incident, report="パスワード変更・連携アプリ解除済み。原因は連携アプリのトークン流出。"
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    timeline = list(TimelineEntry.objects.filter(incident=incident).values_list("kind", flat=True))
    assert timeline[0] == "opened" and timeline[-1] == "closed" and timeline.count("notified") == 2
    with pytest.raises(ActionError, match="完了しています"):
        step(komae, "operator", incident, "monitor")


def test_komae_important_mention_without_an_account_goes_up_the_same_chain(make_city):
    komae = make_city("komae")
    incident = actions.do_open_incident(
        komae.operator, komae.municipality, kind=Kind.MENTION, title="掲示板で市の給付金に関する誤った記述"
    )
    assert incident.account is None
    step(komae, "operator", incident, "report_head")
    # Without an account every section head of the city is told (the mention concerns the city).
    assert told(komae.head) and told(komae.head_b)
    assert access.can_view_incident(komae.head_b, incident)
    step(komae, "head", incident, "report_security")
    assert told(komae.security)
    with pytest.raises(ActionError, match="対象の公式アカウントを選んでください"):
        actions.do_open_incident(komae.operator, komae.municipality, kind=Kind.HIJACK, title="x")


def test_kyoto_flaming_stay_calm_correct_interim_notice(make_city):
    kyoto = make_city("kyoto")
    incident = actions.do_open_incident(
        kyoto.operator,
        kyoto.municipality,
        kind=Kind.FLAMING,
        account=kyoto.account,
        title="紅葉ライトアップの混雑案内に批判殺到",
    )
    with pytest.raises(ActionError, match="反論や抗弁は控える"):
        step(kyoto, "operator", incident, "correct")
    step(kyoto, "operator", incident, "stay_calm", "返信は控え、事実確認中")
    assert told(kyoto.head) and not told(kyoto.office)
    # The interim notice is optional (「返信に時間を要する場合は」): closing needs only the correction.
    with pytest.raises(ActionError, match="済んでいない手順.*誤りを直ちに認め"):
        actions.do_close_incident(kyoto.operator, incident, report="沈静化")
    step(kyoto, "operator2", incident, "correct", "混雑時間帯の誤記を訂正（削除せず）")
    with pytest.raises(PermissionDenied):
        actions.do_close_incident(kyoto.auditor, incident, report="x")
    actions.do_close_incident(kyoto.head, incident, report="訂正投稿後、批判は収まった。")


def test_kyoto_impersonation_needs_the_link_before_the_press(make_city):
    kyoto = make_city("kyoto")
    incident = actions.do_open_incident(
        kyoto.operator,
        kyoto.municipality,
        kind=Kind.IMPERSONATION,
        account=kyoto.account,
        title="@kyoto_koho_jp が市を名乗る",
    )
    with pytest.raises(ActionError, match="記録を残してください"):
        step(kyoto, "operator", incident, "record")
    actions.do_add_evidence(kyoto.operator, incident, url="https://x.com/kyoto_koho_jp")
    step(kyoto, "operator", incident, "record")
    with pytest.raises(ActionError, match="本物のアカウントと結び付けてください"):
        step(kyoto, "head", incident, "confirm")
    with pytest.raises(PermissionDenied, match="所管課とアカウントの所属長"):
        actions.do_confirm_impersonation(kyoto.operator, incident, platform="x", handle="@kyoto_koho_jp")
    actions.do_confirm_impersonation(kyoto.head, incident, platform="x", handle="@kyoto_koho_jp")
    step(kyoto, "head", incident, "confirm")
    assert told(kyoto.office)
    step(kyoto, "operator", incident, "deletion_request", "X社の報告フォームから削除依頼")
    actions.do_close_incident(kyoto.head, incident, report="削除依頼済み。報道への情報提供は不要と判断。")


def test_ishinomaki_never_handled_alone(make_city):
    city = make_city("ishinomaki")
    incident = actions.do_open_incident(
        city.operator,
        city.municipality,
        kind=Kind.FLAMING,
        account=city.account,
        title="避難所の案内への苦情殺到",
    )
    # The first step may be taken at once (冷静に対応し、上司に相談する) ...
    step(city, "operator", incident, "stay_calm")
    # ... but nothing more while she is alone (トラブル対応は一人でやらず).
    with pytest.raises(ActionError, match="一人では対応できません.*石巻市3\\(4\\)※"):
        step(city, "operator", incident, "correct")
    with pytest.raises(ActionError, match="担当者本人は二人目になれません"):
        actions.do_add_second_person(city.operator, incident, person=city.operator)
    with pytest.raises(ActionError, match="加えられるのは"):
        actions.do_add_second_person(city.operator, incident, person=city.operator_b)
    actions.do_add_second_person(city.operator, incident, person=city.head)
    assert any("対応に加わってください" in s for s in told(city.head))
    step(city, "operator", incident, "correct")
    # The one who handled it does not close it alone: the second person confirms the report.
    with pytest.raises(ActionError, match="担当者以外の職員"):
        actions.do_close_incident(city.operator, incident, report="訂正済み")
    actions.do_close_incident(city.head, incident, report="訂正済み。二人で確認した。")
    incident.refresh_from_db()
    assert incident.closed_by == city.head


def test_akitakata_fix_and_apologise_then_the_committee_may_stop_the_account(make_city):
    city = make_city("akitakata")
    incident = actions.do_open_incident(
        city.operator,
        city.municipality,
        kind=Kind.FLAMING,
        account=city.account,
        title="神楽公演の告知に誤り",
    )
    step(city, "operator", incident, "stay_calm")
    step(city, "operator", incident, "fix_and_apologise", "開演時刻を修正し、お詫びを投稿")
    with pytest.raises(PermissionDenied):
        step(city, "operator", incident, "convene_committee")
    step(city, "office", incident, "convene_committee", "審査委員会を招集")
    assert told(city.chair) and told(city.member)
    with pytest.raises(PermissionDenied, match="委員会委員長"):
        step(city, "member", incident, "committee_decision")
    step(city, "chair", incident, "committee_decision", "アカウントの取消しを協議。再発防止まで停止")
    account = Account.objects.get(pk=city.account.pk)
    assert account.is_frozen and "安芸高田市4(2)エ" in account.frozen_reason
    actions.do_close_incident(city.head, incident, report="委員会の決定により停止中。")


def test_impersonation_notice_needs_the_confirmation_first_akitakata(make_city):
    city = make_city("akitakata")
    incident = actions.do_open_incident(
        city.head, city.municipality, kind=Kind.IMPERSONATION, account=city.account, title="偽アカウント"
    )
    actions.do_add_evidence(city.head, incident, url="https://x.com/akitakata_koho2")
    step(city, "head", incident, "record")
    with pytest.raises(ActionError, match="先になりすましのアカウントを確認"):
        actions.do_publish_notice(city.head, incident)
    actions.do_confirm_impersonation(city.head, incident, platform="x", handle="akitakata_koho2")
    step(city, "head", incident, "confirm")
    step(city, "head", incident, "deletion_request")
    with pytest.raises(ActionError, match="注意喚起を掲載してください"):
        step(city, "head", incident, "public_notice")
    actions.do_publish_notice(city.head, incident)
    step(city, "head", incident, "public_notice")
    with pytest.raises(ActionError, match="既に掲載"):
        actions.do_publish_notice(city.head, incident)


def test_every_step_is_one_audit_event_naming_who_was_told(make_city):
    komae = make_city("komae")
    incident = actions.do_open_incident(
        komae.operator, komae.municipality, kind=Kind.HIJACK, account=komae.account, title="t"
    )
    step(komae, "operator", incident, "confirm")
    step(komae, "operator", incident, "report_head")
    event = AuditEvent.objects.filter(action="incident.step").last()
    assert event.summary["details"]["clause"] == "狛江市4(3)カ"
    assert {"田中 一郎（kom_head）", "中村 健（kom_head2）"} <= set(event.summary["details"]["told"])
    with pytest.raises(ActionError, match="既に記録"):
        step(komae, "operator", incident, "report_head")
    with pytest.raises(PermissionDenied):
        actions.do_open_incident(
            komae.auditor, komae.municipality, kind=Kind.HIJACK, account=komae.account, title="t"
        )
