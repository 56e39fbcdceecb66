"""Issue 9 items 1, 4 and 8 on the registry: findings gate the lifecycle, the public policy follows
the registry, Kyoto's 外部サービス利用申請 and the corrected clause citations."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.registry import actions
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account, FindingWaiver, StepRecord
from koshiki.registry.states import Status
from tests.personas import account_in, make_city

pytestmark = pytest.mark.django_db


def _kawasaki_case(city):
    """川崎市's case of the issue: a person's name and a gmail address, one step before registration."""
    return account_in(
        city,
        "acquired",
        display_name="山田太郎",
        registration_email="yamada.taro@gmail.com",
    )


def test_kawasaki_refuses_to_register_an_account_named_after_a_person_with_a_gmail_address():
    city = make_city("kawasaki")
    account = _kawasaki_case(city)
    step = load_procedures("kawasaki").step("report_start")
    with pytest.raises(ActionError, match="エラーの指摘が2件あるため") as exc:
        actions.do_step(
            account, "report_start", actor=city.people["head"], documents=[d.id for d in step.documents]
        )
    assert "account.naming" in str(exc.value) and "account.org_email" in str(exc.value)
    account.refresh_from_db()
    assert account.status == Status.ACQUIRED and account.registered_at is None
    assert not StepRecord.objects.filter(account=account, step_id="report_start").exists()


def test_kawasaki_naming_finding_cannot_be_waived_because_the_guideline_says_必ず():
    city = make_city("kawasaki")
    account = _kawasaki_case(city)
    with pytest.raises(ActionError, match="容認できません"):
        actions.do_waive_finding(account, actor=city.people["office"], rule="account.naming", reason="暫定")
    assert not FindingWaiver.objects.exists()


def test_kyoto_refuses_listing_an_account_without_an_approved_device_until_it_is_fixed():
    city = make_city("kyoto")
    account = account_in(city, "listing_requested")
    device = account.devices.get()
    actions.do_retire_device(city.people["operator"], device)
    with pytest.raises(ActionError, match="account.device"):
        actions.do_list_publicly(account, actor=city.people["office"])
    account.refresh_from_db()
    assert account.status == Status.LISTING_REQUESTED and not account.is_listed
    new = actions.do_register_device(
        city.people["operator"], account, name="広報課 貸与スマートフォン", ownership="city"
    )
    actions.do_approve_device(city.people["head"], new)
    listed = actions.do_list_publicly(account, actor=city.people["office"], documents=[])
    assert listed.status == Status.LISTED and listed.is_listed


def test_ishinomaki_office_waives_the_mfa_finding_with_a_reason_and_it_is_audited():
    """石巻市3(3)カ requires MFA; a service without MFA may be listed once the office records why."""
    city = make_city("ishinomaki")
    account = account_in(city, "acquired")
    actions.do_update_security(city.people["operator"], account, {"mfa_enabled": False})
    with pytest.raises(ActionError, match="account.mfa"):
        actions.do_list_publicly(account, actor=city.people["office"])
    for who in ("operator", "head", "auditor", "security"):
        with pytest.raises(PermissionDenied, match="所管課"):
            actions.do_waive_finding(account, actor=city.people[who], rule="account.mfa", reason="理由")
    with pytest.raises(ActionError, match="理由を入力"):
        actions.do_waive_finding(account, actor=city.people["office"], rule="account.mfa", reason=" ")
    with pytest.raises(ActionError, match="容認できません"):
        actions.do_waive_finding(account, actor=city.people["office"], rule="account.naming", reason="理由")
    waiver = actions.do_waive_finding(
        account,
        actor=city.people["office"],
        rule="account.mfa",
        reason="このサービスには多要素認証がないため。パスワードは20文字以上とし、端末を限定している。",
    )
    assert waiver.waived_by == city.people["office"]
    event = AuditEvent.objects.filter(action="account.finding.waive").get()
    assert event.details["rule"] == "account.mfa" and "多要素認証がない" in event.details["reason"]
    with pytest.raises(ActionError, match="既に容認"):
        actions.do_waive_finding(account, actor=city.people["office"], rule="account.mfa", reason="再度")
    listed = actions.do_list_publicly(account, actor=city.people["office"])
    assert listed.status == Status.LISTED


def test_kyoto_lets_no_finding_be_waived():
    city = make_city("kyoto")
    account = account_in(city, "listing_requested")
    actions.do_retire_device(city.people["operator"], account.devices.get())
    with pytest.raises(ActionError, match="容認できません"):
        actions.do_waive_finding(
            account, actor=city.people["office"], rule="account.device", reason="急ぐため"
        )


def test_a_rule_without_an_error_finding_cannot_be_waived():
    city = make_city("ishinomaki")
    account = account_in(city, "acquired")
    with pytest.raises(ActionError, match="エラーの指摘がありません"):
        actions.do_waive_finding(account, actor=city.people["office"], rule="account.mfa", reason="念のため")


def test_akitakata_cannot_register_without_the_official_notice_in_the_profile():
    city = make_city("akitakata")
    account = account_in(city, "acquired", profile_text="市の情報をお届けします。")
    with pytest.raises(ActionError, match="公式アカウントとして登録する"):
        actions.do_register_official(account, actor=city.people["office"])
    assert Account.objects.get(pk=account.pk).registered_at is None


# ---- the public policy follows the registry (item 4) ----


def test_recording_the_url_creates_a_new_policy_version_with_it():
    city = make_city("kyoto")
    account = account_in(city, "acquired", url="")
    before = account.current_policy
    assert before.registered_url == ""
    account = actions.do_record_url(account, actor=city.people["operator"], url="https://x.com/minato_koho")
    policy = Account.objects.get(pk=account.pk).current_policy
    assert policy.version == before.version + 1
    assert policy.registered_url == "https://x.com/minato_koho"
    assert policy.notes == before.notes  # everything else carried over
    event = AuditEvent.objects.filter(action="account.record_url").latest("pk")
    assert event.details["policy_version"] == policy.version


def test_a_new_responsible_person_and_a_new_period_create_new_versions():
    city = make_city("kyoto")
    account = account_in(city, "listed")
    v = account.current_policy.version
    actions.do_change_responsible(account, actor=city.people["head"], responsible_title="広報担当課長")
    policy = Account.objects.get(pk=account.pk).current_policy
    assert (policy.version, policy.responsible) == (v + 1, "広報担当課長")
    actions.do_file_change(
        account,
        actor=city.people["operator"],
        changes={"period_end": date(2027, 3, 31)},
        reasons="令和8年度末で運用を終了するため",
    )
    policy = Account.objects.get(pk=account.pk).current_policy
    assert (policy.version, policy.period_end) == (v + 2, date(2027, 3, 31))
    assert policy.responsible == "広報担当課長"


def test_a_change_notice_that_touches_no_policy_field_keeps_the_version():
    city = make_city("kyoto")
    account = account_in(city, "listed")
    v = account.current_policy.version
    actions.do_file_change(
        account,
        actor=city.people["operator"],
        changes={"contact": "広報課 075-222-3333"},
        reasons="電話番号の変更",
    )
    assert Account.objects.get(pk=account.pk).current_policy.version == v


# ---- Kyoto 4(1)オ: 外部サービス利用申請 for a platform not in common use (item 8) ----


def test_kyoto_needs_the_external_service_application_for_line_but_not_for_x():
    city = make_city("kyoto")
    line = account_in(city, "under_review", platform="line", handle="minato_line", url="")
    with pytest.raises(ActionError, match="外部サービス利用申請"):
        actions.do_approve(line, actor=city.people["office"], step_id="office_approve")
    steps = [s.id for s in actions.available_steps(city.people["operator"], line)]
    assert "external_service" in steps
    with pytest.raises(ActionError, match="提出したことを確認"):
        actions.do_file_external_service(line, actor=city.people["operator"])
    actions.do_file_external_service(
        line, actor=city.people["operator"], documents=["external_service_request"]
    )
    approved = actions.do_approve(line, actor=city.people["office"], step_id="office_approve")
    assert approved.status == Status.APPROVED

    x = account_in(city, "under_review")
    assert "external_service" not in [s.id for s in actions.available_steps(city.people["operator"], x)]
    with pytest.raises(ActionError, match="不要です"):
        actions.do_file_external_service(
            x, actor=city.people["operator"], documents=["external_service_request"]
        )
    assert (
        actions.do_approve(x, actor=city.people["office"], step_id="office_approve").status == Status.APPROVED
    )


def test_the_external_service_step_is_refused_to_the_auditor():
    city = make_city("kyoto")
    line = account_in(city, "draft", platform="line", handle="minato_line", url="")
    with pytest.raises(PermissionDenied):
        actions.do_file_external_service(
            line, actor=city.people["auditor"], documents=["external_service_request"]
        )


# ---- clause citations (item 8) ----


def test_corrected_clause_citations():
    kawasaki = load_procedures("kawasaki")
    assert kawasaki.step("delete_account").clause == "5(1)・5(9)"
    assert kawasaki.step("change_responsible").clause != "5(8)"
    assert load_procedures("akitakata").step("file_change").clause != "8"


def test_every_profile_gates_its_registration_or_listing_on_findings():
    for profile in ("kyoto", "komae", "ishinomaki", "akitakata", "kawasaki", "standard"):
        procedures = load_procedures(profile)
        gated = [s.id for s in procedures.steps if "no_errors" in s.requires]
        assert gated, profile
        assert all(
            s.kind in ("register", "list", "request_listing") for s in procedures.steps if s.id in gated
        )


# ---- 運用終了日 passed: a finding and a closure task (item 4) ----


def test_an_account_past_its_period_end_gets_a_finding_and_a_closure_task():
    from koshiki.registry.attention import account_findings
    from koshiki.registry.worklist import worklist

    city = make_city("kyoto")
    account = account_in(city, "listed")
    actions.do_file_change(
        account,
        actor=city.people["operator"],
        changes={"period_end": date(2025, 9, 30)},
        reasons="イベント終了に合わせて運用を終える",
    )
    account = Account.objects.get(pk=account.pk)
    later = date(2025, 10, 15)
    ended = [f for f in account_findings(account, later) if f.rule == "registry.period_ended"]
    assert ended and "運用終了日" in ended[0].message
    assert not [f for f in account_findings(account, date(2025, 9, 1)) if f.rule == "registry.period_ended"]
    items = {i.account.pk: i for i in worklist(city.people["head"], later).pending}
    assert "request_removal" in [s.id for s in items[account.pk].waiting_steps]
    # The operator cannot close (the section head does), so it is no task of theirs.
    items = {i.account.pk: i for i in worklist(city.people["operator"], later).pending}
    assert account.pk not in items or "request_removal" not in [s.id for s in items[account.pk].waiting_steps]
