"""Each city's lifecycle as its guideline prescribes it, driven through the actions by the profile data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.registry import actions
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account, Device
from koshiki.registry.states import Status
from koshiki.workdays import is_business_day
from tests.personas import account_in, committee_decides, make_city, new_account, step_kwargs

pytestmark = pytest.mark.django_db

PROFILES = ["standard", "kyoto", "komae", "ishinomaki", "akitakata", "kawasaki"]


def _states(profile: str) -> list[tuple[str, str]]:
    return [(profile, state) for state in load_procedures(profile).used_states]


@pytest.mark.django_db
@pytest.mark.parametrize(("profile", "state"), [case for p in PROFILES for case in _states(p)])
def test_every_state_of_every_profile_is_reached_through_its_steps(profile, state):
    city = make_city(profile)
    account = account_in(city, state)
    assert account.status == state
    assert verify_chain().ok


def _do(city, account, step_id, person=None, **extra):
    step = city.procedures().step(step_id)
    kwargs = {**step_kwargs(city, step, account), **extra}
    return actions.do_step(account, step_id, actor=person or city.person_for(step), **kwargs)


# ---- Kyoto: delete promptly, remove from the list (様式4 → 様式5) ----------------------------


def test_kyoto_closure_deletes_the_account_and_removes_it_from_the_list(city):
    account = account_in(city, "listed")
    acc = _do(city, account, "request_removal", deleted_on=timezone.localdate())
    assert acc.status == Status.CLOSING and acc.deleted_on_platform_at == timezone.localdate()
    assert acc.is_listed  # still listed until 情報化推進室 removes it
    with pytest.raises(PermissionDenied, match="情報化推進室|所管課"):
        _do(city, acc, "remove_listing", person=city.people["head"])
    acc = _do(city, acc, "remove_listing")
    assert acc.status == Status.CLOSED and not acc.is_listed and acc.unlisted_at and acc.closed_at
    event = AuditEvent.objects.filter(action="account.close").latest("seq")
    assert event.details["issued"] == ["様式5 ソーシャルメディア一覧削除通知書"]
    assert not Account.objects.listed().filter(pk=acc.pk).exists()


def test_kyoto_listing_goes_through_the_request_and_the_notice(city):
    account = account_in(city, "acquired")
    with pytest.raises(ActionError, match="掲載依頼書を提出したことを確認"):
        actions.do_request_listing(account, documents=["policy"], actor=city.people["operator"])
    acc = actions.do_request_listing(
        account, documents=["policy", "listing_request"], genre="tourism", actor=city.people["operator"]
    )
    assert acc.status == Status.LISTING_REQUESTED and not acc.is_listed
    acc = actions.do_list_publicly(acc, actor=city.people["office"])
    assert acc.is_listed and acc.registered_at and acc.genre == "tourism"


# ---- Komae: announce, point to the main account, keep it, check it periodically -------------


def test_komae_closure_keeps_the_account_and_schedules_periodic_checks():
    city = make_city("komae")
    account = account_in(city, "listed")
    main = account_in(city, "listed", display_name="狛江市広報")
    with pytest.raises(ActionError, match="停止による影響度"):
        actions.do_close(
            account,
            step_id="announce_stop",
            reasons="効果測定の結果",
            redirect_to=main,
            actor=city.people["head"],
        )
    with pytest.raises(ActionError, match="誘導先となる市広報アカウントを選んでください"):
        _do(city, account, "announce_stop", redirect_to=None)
    acc = _do(city, account, "announce_stop", redirect_to=main)
    assert acc.status == Status.CLOSING and acc.redirect_to == main
    acc = _do(city, acc, "stop")
    today = timezone.localdate()
    assert acc.status == Status.RETAINED
    assert acc.deleted_on_platform_at is None and acc.closed_at is None  # 4(5)エ: never deleted
    assert acc.next_check_due >= today + timedelta(days=90) and is_business_day(acc.next_check_due)
    first_due = acc.next_check_due
    # No step of Komae deletes a stopped account.
    with pytest.raises(
        ActionError, match=r"既に「運用を停止する（アカウントは削除せず保全する）」が行われています"
    ):
        actions.do_close(acc, actor=city.people["head"])
    with pytest.raises(ActionError, match="状態（なりすまし・乗っ取り"):
        actions.do_check_retained(acc, answers={}, actor=city.people["operator"])
    acc = actions.do_check_retained(acc, answers={"check_result": "異常なし"}, actor=city.people["operator"])
    assert acc.status == Status.RETAINED and acc.next_check_due >= first_due


def test_komae_chair_may_waive_the_procedure_with_reasons():
    city = make_city("komae")
    account = new_account(city)
    with pytest.raises(PermissionDenied, match="委員会委員長"):
        actions.do_approve(account, step_id="chair_waive", reasons="急ぎ", actor=city.people["member"])
    with pytest.raises(ActionError, match="理由を入力してください"):
        actions.do_approve(account, step_id="chair_waive", actor=city.people["chair"])
    acc = actions.do_approve(
        account, step_id="chair_waive", reasons="災害対応のため特に必要と認める", actor=city.people["chair"]
    )
    assert acc.status == Status.APPROVED
    application = acc.application
    assert application.waived and application.decision == "waived"
    assert application.reasons == "災害対応のため特に必要と認める"


def test_komae_submission_records_the_existing_account_criteria_and_the_committee_decides():
    city = make_city("komae")
    account = new_account(city)
    answers = {
        "existing_a": "子育て分野に特化し既存では埋もれる",
        "existing_b": "内容は軽微ではない",
        "existing_c": "週3回程度",
        "tone": "親しみやすく、ただし正確さを優先する",
        "approval_rule": "イベント告知は決裁不要、それ以外は課長決裁",
    }
    # 4(2)イ: the tone and whether 決裁 is needed are confirmed when the plan is submitted.
    with pytest.raises(ActionError, match="決裁の要・不要"):
        actions.do_submit_application(
            account,
            answers={k: v for k, v in answers.items() if k != "approval_rule"},
            documents=["processing_plan", "policy"],
            actor=city.people["head"],
        )
    with pytest.raises(PermissionDenied, match="所属長"):
        actions.do_submit_application(
            account, answers=answers, documents=["processing_plan", "policy"], actor=city.people["operator"]
        )
    acc = actions.do_submit_application(
        account, answers=answers, documents=["processing_plan", "policy"], actor=city.people["head"]
    )
    assert acc.application.answers["submit"] == answers
    with pytest.raises(PermissionDenied):
        actions.do_approve(acc, actor=city.people["office"])
    # 4(2)ウ: the committee approves as a body; one member alone cannot.
    with pytest.raises(ActionError, match="定足数を満たして議決"):
        actions.do_approve(acc, actor=city.people["member"])
    committee_decides(city, acc)
    acc = Account.objects.get(pk=acc.pk)
    assert acc.status == Status.APPROVED and not acc.application.waived


def test_komae_year_end_review_is_recorded():
    city = make_city("komae")
    account = account_in(city, "listed")
    acc = _do(city, account, "annual_review")
    assert acc.last_reviewed_at == timezone.localdate() and acc.status == Status.LISTED


# ---- Ishinomaki: 廃止届 (様式2), then delete ---------------------------------------------------


def test_ishinomaki_files_the_closure_notice_then_deletes():
    city = make_city("ishinomaki")
    account = account_in(city, "listed")
    with pytest.raises(ActionError, match="様式2 ソーシャルメディア廃止届出書を提出したこと"):
        actions.do_close(account, step_id="file_closure", reasons="事業終了", actor=city.people["head"])
    with pytest.raises(ActionError, match="理由を入力してください"):
        actions.do_close(
            account, step_id="file_closure", documents=["closure_notice"], actor=city.people["head"]
        )
    acc = actions.do_close(
        account,
        step_id="file_closure",
        documents=["closure_notice"],
        reasons="事業終了のため",
        actor=city.people["head"],
    )
    assert acc.status == Status.CLOSING and acc.deleted_on_platform_at is None
    acc = actions.do_close(acc, step_id="delete_account", actor=city.people["operator"])
    assert (
        acc.status == Status.CLOSED
        and acc.deleted_on_platform_at == timezone.localdate()
        and not acc.is_listed
    )


def test_ishinomaki_lists_only_accounts_with_multi_factor_authentication():
    city = make_city("ishinomaki")
    account = account_in(city, "acquired")
    actions.do_update_security(city.people["operator"], account, {"mfa_enabled": False})
    with pytest.raises(ActionError, match="多要素認証（二段階認証）が設定されていません（account.mfa）"):
        actions.do_list_publicly(account, actor=city.people["office"])
    actions.do_update_security(city.people["operator"], account, {"mfa_enabled": True})
    assert actions.do_list_publicly(account, actor=city.people["office"]).is_listed


def test_ishinomaki_contractor_operates_its_own_account():
    from koshiki.org.roles import Role
    from koshiki.people.actions import do_assign_role

    city = make_city("ishinomaki")
    account = account_in(city, "listed", operator_kind="contractor", operator_company="株式会社いしのまき")
    contractor = city.people["contractor"]
    do_assign_role(
        contractor,
        Role.CONTRACTOR,
        municipality=city.municipality,
        account=account,
        company="株式会社いしのまき",
        bootstrap=True,
        actor=None,
    )
    acc = actions.do_record_url(account, url="https://x.com/ishinomaki_new", actor=contractor)
    assert acc.url == "https://x.com/ishinomaki_new"
    other = account_in(city, "listed")
    with pytest.raises(PermissionDenied):
        actions.do_record_url(other, url="https://x.com/hijack", actor=contractor)


# ---- Akitakata: consultation, committee review, register, publish, roster every April -------


def test_akitakata_goes_through_consultation_and_the_committee():
    city = make_city("akitakata")
    account = new_account(city)
    with pytest.raises(ActionError, match="情報管理課と協議した結果"):
        actions.do_consult(account, answers={"consult_operation": "済"}, actor=city.people["operator"])
    acc = _do(city, account, "consult")
    assert acc.status == Status.CONSULTING
    with pytest.raises(ActionError, match="様式1号"):
        actions.do_submit_application(acc, documents=["guideline"], actor=city.people["operator"])
    acc = _do(city, acc, "submit")
    with pytest.raises(PermissionDenied, match="委員会委員"):
        actions.do_approve(acc, actor=city.people["head"])
    with pytest.raises(PermissionDenied):
        actions.do_approve(acc, actor=city.people["office"])
    with pytest.raises(ActionError, match="定足数を満たして議決"):
        actions.do_approve(acc, actor=city.people["member"])
    committee_decides(city, acc)
    acc = Account.objects.get(pk=acc.pk)
    assert acc.status == Status.APPROVED
    with pytest.raises(ActionError, match="幹部会等"):
        actions.do_record_acquisition(acc, actor=city.people["operator"])
    acc = _do(city, acc, "acquire")
    acc = _do(city, acc, "register")
    assert acc.status == Status.REGISTERED and acc.registered_at and not acc.is_listed
    acc = _do(city, acc, "publish")
    assert acc.is_listed


def test_akitakata_roster_renewal_and_committee_revocation():
    city = make_city("akitakata")
    account = account_in(city, "listed")
    acc = _do(city, account, "renew_roster")
    assert acc.roster_renewed_at == timezone.localdate()
    acc = _do(city, acc, "revoke")
    assert acc.status == Status.CLOSING and not acc.is_listed


# ---- Kawasaki: prior consultation, approved devices, reports of start and end -----------------


def test_kawasaki_requires_approved_devices_and_the_internal_rule():
    city = make_city("kawasaki")
    account = account_in(city, "approved")
    device = actions.do_register_device(
        city.people["operator"], account, name="新しいPC", ownership=Device.Ownership.CITY
    )
    with pytest.raises(ActionError, match="未承認: 新しいPC"):
        actions.do_record_acquisition(account, actor=city.people["operator"])
    actions.do_approve_device(city.people["security"], device)
    acc = actions.do_record_acquisition(account, actor=city.people["operator"])
    assert acc.current_internal_rule is not None
    acc = _do(city, acc, "report_start")
    assert acc.status == Status.REGISTERED
    acc = _do(city, acc, "publish")
    acc = _do(city, acc, "report_end")
    assert acc.status == Status.CLOSING and not acc.is_listed
