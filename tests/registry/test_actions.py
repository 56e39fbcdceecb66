"""Every registry and organisation action: permission, state guard, one transaction, one audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.org.models import RoleAssignment
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_create_unit, do_end_role
from koshiki.registry import actions
from koshiki.registry.models import (
    Account,
    ChangeNotice,
    Device,
    ImmutableError,
    OperationPolicy,
    RosterEntry,
    StepRecord,
)
from koshiki.registry.states import PolicyKind, Status
from tests.personas import account_in, application_details, make_city, new_account


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# ---- creating and editing ---------------------------------------------------------------------


def test_an_application_creates_the_account_its_record_and_policy_version_1(city):
    before = AuditEvent.objects.count()
    account = actions.do_create_application(
        city.people["operator"], city.units["a"], application_details(city)
    )
    assert account.status == Status.DRAFT and account.municipality == city.municipality
    assert account.application.applicant == city.people["operator"]
    policy = account.current_policy
    assert policy.version == 1 and policy.kind == PolicyKind.PUBLIC
    assert policy.unit_label == "総務局 広報課"
    # The profile's 注意事項 boilerplate is prefilled with the city's own name.
    assert "京都市又は第三者の知的所有権" in policy.notes and "{municipality}" not in policy.notes
    assert policy.reply_policy.startswith("個別の回答は行いません")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.object_type, event.object_id) == (
        "account.create",
        "registry.account",
        str(account.pk),
    )
    assert event.after["display_name"] == account.display_name


def test_outside_operators_policy_names_the_company_in_remarks(city):
    account = actions.do_create_application(
        city.people["operator"],
        city.units["a"],
        application_details(city, operator_kind="contractor", operator_company="株式会社テスト"),
    )
    assert "株式会社テスト" in account.current_policy.remarks


@pytest.mark.parametrize("person", ["operator_b", "office", "auditor", "security", "nobody"])
def test_only_the_units_own_staff_may_apply_for_it(city, person):
    with pytest.raises(PermissionDenied):
        actions.do_create_application(city.people[person], city.units["a"], application_details(city))
    assert not Account.objects.exists()


def test_a_section_head_of_a_bureau_may_apply_for_a_facility_below_it(city):
    head = city.people["head"]
    do_assign_role(
        head,
        Role.SECTION_HEAD,
        municipality=city.municipality,
        unit=city.units["bureau_a"],
        bootstrap=True,
        actor=None,
    )
    account = actions.do_create_application(head, city.units["zoo"], application_details(city))
    assert account.owning_unit == city.units["zoo"]


def test_inconsistent_details_are_refused_in_japanese_and_nothing_is_stored(city):
    with pytest.raises(ActionError, match="会社・団体名を入力してください"):
        actions.do_create_application(
            city.people["operator"], city.units["a"], application_details(city, operator_kind="contractor")
        )
    with pytest.raises(ActionError, match="運用終了日は運用開始日より後"):
        actions.do_create_application(
            city.people["operator"],
            city.units["a"],
            application_details(
                city, period_end=application_details(city)["period_start"] - timedelta(days=1)
            ),
        )
    assert not Account.objects.exists() and not OperationPolicy.objects.exists()


def test_details_are_edited_directly_only_while_with_the_section(city):
    account = new_account(city)
    actions.do_update_account(city.people["operator"], account, {"purpose": "新しい目的"})
    assert Account.objects.get(pk=account.pk).purpose == "新しい目的"
    assert AuditEvent.objects.filter(action="account.update").latest("seq").after == {"purpose": "新しい目的"}
    with pytest.raises(ActionError, match="変更された項目がありません"):
        actions.do_update_account(city.people["operator"], account, {"purpose": "新しい目的"})
    listed = account_in(city, "listed")
    with pytest.raises(ActionError, match="直接編集できません。変更届で届け出てください"):
        actions.do_update_account(city.people["operator"], listed, {"purpose": "別の目的"})


def test_another_units_staff_cannot_edit_or_even_see_the_account(city):
    account = new_account(city)
    with pytest.raises(PermissionDenied, match="参照する権限がありません"):
        actions.do_update_account(city.people["operator_b"], account, {"purpose": "乗っ取り"})
    with pytest.raises(PermissionDenied):
        actions.do_update_security(city.people["head_b"], account, {"mfa_enabled": False})
    assert Account.objects.get(pk=account.pk).purpose != "乗っ取り"


# ---- the lifecycle guards -----------------------------------------------------------------


def test_a_wrong_state_gets_a_clear_japanese_message(city):
    account = account_in(city, "section_review")
    actions.do_approve(
        account, step_id="section_approve", documents=["unblock_request"], actor=city.people["head"]
    )
    with pytest.raises(ActionError, match=r"既に「所属長が承認し.*」が行われています（現在の状態: 審査中）"):
        actions.do_approve(
            account, step_id="section_approve", documents=["unblock_request"], actor=city.people["head2"]
        )
    draft = new_account(city)
    with pytest.raises(ActionError, match=r"現在の状態（申請準備中）では「所属長が承認し"):
        actions.do_approve(
            draft, step_id="section_approve", documents=["unblock_request"], actor=city.people["head"]
        )


def test_a_wrong_role_gets_a_clear_japanese_message(city):
    account = account_in(city, "section_review")
    with pytest.raises(PermissionDenied, match="を行うのは所属長（責任者・管理者）です"):
        actions.do_approve(
            account, step_id="section_approve", documents=["unblock_request"], actor=city.people["operator"]
        )
    with pytest.raises(PermissionDenied):
        actions.do_approve(
            account, step_id="section_approve", documents=["unblock_request"], actor=city.people["office"]
        )
    assert Account.objects.get(pk=account.pk).status == Status.SECTION_REVIEW


@pytest.mark.parametrize("kind", sorted(actions.KIND_ACTIONS))
def test_the_auditor_can_change_nothing(city, kind):
    account = account_in(city, "listed")
    auditor = city.people["auditor"]
    inputs = {
        "change_responsible": {"responsible_title": "監査担当"},
        "record_url": {"url": "https://x.com/audit"},
        "file_change": {"changes": {"contact": "監査"}},
        "revise_policy": {"values": {"purpose": "監査"}},
    }.get(kind, {})
    if not city.procedures().steps_of_kind(kind):
        with pytest.raises(ActionError, match="この自治体の手続には.*の手順がありません"):
            actions.KIND_ACTIONS[kind](account, actor=auditor, **inputs)
    else:
        with pytest.raises(PermissionDenied):
            actions.KIND_ACTIONS[kind](account, actor=auditor, **inputs)
    with pytest.raises(PermissionDenied):
        actions.do_update_security(auditor, account, {"mfa_enabled": False})
    assert Account.objects.get(pk=account.pk).status == Status.LISTED


def test_required_documents_reasons_and_answers_are_enforced(city):
    account = new_account(city)
    with pytest.raises(ActionError, match="様式1 運用ポリシーを提出したことを確認してください"):
        actions.do_submit_application(account, actor=city.people["operator"])
    actions.do_submit_application(account, documents=["policy"], actor=city.people["operator"])
    with pytest.raises(ActionError, match="理由を入力してください"):
        actions.do_return(account, reasons="   ", actor=city.people["head"])
    actions.do_return(account, reasons="運用体制を記載してください。", actor=city.people["head"])
    application = Account.objects.get(pk=account.pk).application
    assert application.decision == "returned" and application.return_count == 1
    assert application.reasons == "運用体制を記載してください。"
    event = AuditEvent.objects.filter(action="account.return").latest("seq")
    assert event.details["reasons"] == "運用体制を記載してください。"
    assert event.details["from"] == "section_review" and event.details["to"] == "returned"

    standard = make_city("standard")
    other = new_account(standard)
    with pytest.raises(
        ActionError, match="既存の公式アカウントでの情報集約になじむかどうか」への回答を入力してください"
    ):
        actions.do_consult(other, answers={"existing_a": ""}, actor=standard.people["operator"])


def test_preconditions_name_what_is_missing(city):
    account = account_in(city, "approved", url="", handle="")
    actions.do_record_acquisition(account, actor=city.people["operator"])
    assert Account.objects.get(pk=account.pk).status == Status.ACQUIRED  # the URL may follow later
    with pytest.raises(ActionError, match="登録URLが記録されていることが必要です"):
        actions.do_request_listing(
            account, documents=["policy", "listing_request"], actor=city.people["operator"]
        )
    actions.do_record_url(account, url="https://x.com/later_url", actor=city.people["operator"])
    acc = actions.do_request_listing(
        account, documents=["policy", "listing_request"], genre="living", actor=city.people["operator"]
    )
    assert (
        acc.url == "https://x.com/later_url"
        and acc.genre == "living"
        and acc.status == Status.LISTING_REQUESTED
    )


def test_an_incomplete_policy_blocks_submission_with_the_missing_fields(city):
    account = new_account(city, purpose="")
    with pytest.raises(ActionError, match="運用ポリシーの必須項目が未記入です: 利用目的"):
        actions.do_submit_application(account, documents=["policy"], actor=city.people["operator"])


def test_a_failed_action_stores_nothing(city, monkeypatch):
    account = account_in(city, "section_review")
    draft = new_account(city)
    accounts, events = Account.objects.count(), AuditEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    # The audit append is the last write of every action: when it fails, the change goes too.
    for module in (actions.records, actions.engine):  # every module of the package that appends
        monkeypatch.setattr(module, "record_event", broken)
    with pytest.raises(RuntimeError):
        actions.do_approve(
            account, step_id="section_approve", documents=["unblock_request"], actor=city.people["head"]
        )
    with pytest.raises(RuntimeError):
        actions.do_revise_policy(
            draft, values={"purpose": "途中で失敗"}, step_id="edit_policy", actor=city.people["head"]
        )
    with pytest.raises(RuntimeError):
        actions.do_create_application(city.people["operator"], city.units["a"], application_details(city))
    acc = Account.objects.get(pk=account.pk)
    assert acc.status == Status.SECTION_REVIEW and acc.application.decision == ""
    assert OperationPolicy.objects.filter(account=draft).count() == 1
    assert Account.objects.get(pk=draft.pk).current_policy.version == 1
    assert (Account.objects.count(), AuditEvent.objects.count()) == (accounts, events)


def test_every_lifecycle_step_writes_one_event_with_its_step(city):
    start = AuditEvent.objects.count()
    listed = account_in(city, "listed")
    assert AuditEvent.objects.count() > start
    events = AuditEvent.objects.filter(object_type="registry.account", object_id=str(listed.pk)).order_by(
        "seq"
    )
    steps = [e.details.get("step") for e in events if e.details.get("step")]
    assert steps == ["submit", "section_approve", "office_approve", "acquire", "request_listing", "list"]
    listing = events.filter(action="account.list").get()
    assert listing.details["issued"] == ["様式3 ソーシャルメディア一覧掲載通知書"]
    assert listing.before["status"] == "listing_requested" and listing.after["status"] == "listed"
    assert listing.after["is_listed"] is True
    assert verify_chain().ok


def test_each_lifecycle_decision_is_a_row_that_keeps_every_stage(city, client_for):
    """Application.decided_by keeps only the last decision; the StepRecord rows keep each stage's own."""
    account = account_in(city, "listed")
    rows = list(StepRecord.objects.filter(account=account).order_by("taken_at", "pk"))
    assert [r.step_id for r in rows] == [
        "submit",
        "section_approve",
        "office_approve",
        "acquire",
        "request_listing",
        "list",
    ]
    section, office = rows[1], rows[2]
    assert (section.actor, office.actor) == (city.people["head"], city.people["office"])
    assert (section.from_state, section.to_state) == (Status.SECTION_REVIEW, Status.UNDER_REVIEW)
    assert section.documents and section.profile_id == "kyoto"
    assert account.application.decided_by == city.people["office"]  # the row of the head's decision stays
    events = AuditEvent.objects.filter(
        object_type="registry.account",
        object_id=str(account.pk),
        action__in=[f"account.{r.kind}" for r in rows],
    )
    assert events.count() == len(rows)
    page = client_for(city.people["auditor"]).get(f"/accounts/{account.pk}/").content.decode()
    assert page.count("所属長") >= 1 and section.label in page and office.label in page
    with pytest.raises(ImmutableError):
        StepRecord.objects.filter(pk=section.pk).update(reasons="書き換え")
    section.reasons = "書き換え"
    with pytest.raises(ImmutableError):
        section.save()


def test_a_returned_application_keeps_its_reasons_on_the_row(city):
    account = account_in(city, "section_review")
    actions.do_return(
        account, actor=city.people["head"], step_id="section_return", reasons="目的の記載が不足しています"
    )
    row = StepRecord.objects.filter(account=account).first()
    assert (row.step_id, row.reasons, row.actor) == (
        "section_return",
        "目的の記載が不足しています",
        city.people["head"],
    )


# ---- policies and change notices ----------------------------------------------------------


def test_policy_revisions_are_new_immutable_versions(city):
    account = account_in(city, "listed")
    v1 = account.current_policy
    v2 = actions.do_revise_policy(
        account,
        values={"operating_hours": "毎日9時から17時まで"},
        reason="運用時間の変更",
        documents=["policy"],
        actor=city.people["head"],
    )
    account.refresh_from_db()
    assert (v2.version, account.current_policy) == (2, v2)
    assert OperationPolicy.objects.get(pk=v1.pk).operating_hours != "毎日9時から17時まで"
    v1.operating_hours = "書き換え"
    with pytest.raises(ImmutableError):
        v1.save()
    with pytest.raises(ImmutableError):
        v1.delete()
    assert ChangeNotice.objects.filter(account=account, step_id="revise_policy").exists()
    with pytest.raises(ActionError, match="前の版から変更された項目がありません"):
        actions.do_revise_policy(
            account,
            values={"operating_hours": "毎日9時から17時まで"},
            documents=["policy"],
            actor=city.people["head"],
        )


def test_the_internal_rule_exists_only_where_the_profile_uses_it(city):
    account = new_account(city)
    with pytest.raises(ActionError, match="アカウント運用ルール（非公開）」は作成しません"):
        actions.do_revise_policy(
            account, values={"body": "内規"}, kind=PolicyKind.INTERNAL_RULE, actor=city.people["operator"]
        )
    kawasaki = make_city("kawasaki")
    acc = new_account(kawasaki)  # creates the internal rule
    assert acc.current_internal_rule.body and acc.current_internal_rule.kind == PolicyKind.INTERNAL_RULE
    assert acc.current_policy.kind == PolicyKind.PUBLIC


def test_a_change_notice_records_before_and_after(city):
    account = account_in(city, "listed")
    actions.do_file_change(
        account,
        changes={"operating_hours": "平日9時から17時"},
        reasons="体制変更",
        actor=city.people["operator"],
    )
    notice = ChangeNotice.objects.get(account=account, step_id="file_change")
    assert notice.changes == {"operating_hours": ["", "平日9時から17時"]}
    assert notice.reason == "体制変更"
    with pytest.raises(ActionError, match="変更する項目がありません"):
        actions.do_file_change(
            account,
            changes={"operating_hours": "平日9時から17時"},
            reasons="x",
            actor=city.people["operator"],
        )
    with pytest.raises(ActionError, match="理由を入力してください"):
        actions.do_file_change(account, changes={"contact": "新しい連絡先"}, actor=city.people["operator"])


def test_a_new_responsible_person_is_recorded(city):
    account = account_in(city, "listed")
    actions.do_change_responsible(
        account,
        responsible_title="広報担当部長",
        responsible_user=city.people["head2"],
        actor=city.people["head"],
    )
    account.refresh_from_db()
    assert account.responsible_title == "広報担当部長" and account.responsible_user == city.people["head2"]
    with pytest.raises(PermissionDenied):
        actions.do_change_responsible(account, responsible_title="係長", actor=city.people["operator"])


# ---- security facts, roster, devices, apps ---------------------------------------------------


def test_security_facts_are_recorded_and_future_dates_refused(city):
    account = new_account(city)
    today = timezone.localdate()
    actions.do_update_security(
        city.people["security"], account, {"verified_badge": True, "password_changed_at": today}
    )
    account.refresh_from_db()
    assert account.verified_badge is True and account.password_changed_at == today
    with pytest.raises(ActionError, match="未来の日付は入力できません"):
        actions.do_update_security(
            city.people["operator"], account, {"last_posted_at": today + timedelta(days=1)}
        )


def test_roster_entries_are_added_and_removed_with_history(city):
    account = new_account(city)
    entry = actions.do_add_roster_entry(
        account, name="新任 次郎", duty=RosterEntry.Duty.MANAGER, actor=city.people["operator"]
    )
    actions.do_remove_roster_entry(city.people["head"], entry)
    entry.refresh_from_db()
    assert entry.removed_on == timezone.localdate()
    with pytest.raises(ActionError, match="既に名簿から外れています"):
        actions.do_remove_roster_entry(city.people["head"], entry)
    with pytest.raises(ActionError, match="氏名を入力してください"):
        actions.do_add_roster_entry(
            account, name=" ", duty=RosterEntry.Duty.POSTER, actor=city.people["operator"]
        )


def test_personal_devices_are_refused_and_approval_follows_the_profile(city):
    account = new_account(city)
    with pytest.raises(ActionError, match="個人所有の機器は業務での運用に使用できません"):
        actions.do_register_device(
            city.people["operator"], account, name="私物スマホ", ownership=Device.Ownership.PERSONAL
        )
    device = actions.do_register_device(
        city.people["operator"], account, name="貸与PC", ownership=Device.Ownership.CITY
    )
    with pytest.raises(PermissionDenied, match="利用端末を承認するのは所属長"):
        actions.do_approve_device(city.people["operator"], device)
    actions.do_approve_device(city.people["head"], device)
    with pytest.raises(ActionError, match="既に承認されています"):
        actions.do_approve_device(city.people["head"], device)

    kawasaki = make_city("kawasaki")
    acc = new_account(kawasaki)
    pc = actions.do_register_device(
        kawasaki.people["operator"], acc, name="広報PC", ownership=Device.Ownership.CITY
    )
    with pytest.raises(PermissionDenied, match="統括情報セキュリティ責任者（総務企画局情報管理部ICT推進課）"):
        actions.do_approve_device(kawasaki.people["head"], pc)
    assert actions.do_approve_device(kawasaki.people["security"], pc).approved


def test_third_party_apps_are_linked_and_revoked(city):
    account = new_account(city)
    app = actions.do_link_app(city.people["operator"], account, name="予約投稿ツール", purpose="予約投稿")
    actions.do_revoke_app(city.people["security"], app)
    app.refresh_from_db()
    assert app.revoked_on == timezone.localdate()
    with pytest.raises(ActionError, match="既に解除されています"):
        actions.do_revoke_app(city.people["operator"], app)


# ---- organisation -------------------------------------------------------------------------


def test_units_form_a_tree_with_paths(city):
    child = do_create_unit(city.people["office"], city.municipality, "広報係", "section", city.units["a"])
    assert child.path == f"{city.units['a'].path}{child.pk}/"
    assert city.units["bureau_a"].contains(child) and not city.units["b"].contains(child)
    assert child.full_name() == "総務局 広報課 広報係"
    with pytest.raises(ActionError, match="既にあります"):
        do_create_unit(city.people["office"], city.municipality, "広報係", "section", city.units["a"])
    with pytest.raises(PermissionDenied, match="組織を追加できるのは所管課です"):
        do_create_unit(city.people["head"], city.municipality, "別の係", "section", city.units["a"])


def test_role_assignment_rules_and_who_may_assign(city):
    contractor = city.people["contractor"]
    account = new_account(city)
    with pytest.raises(ActionError, match="担当するアカウントと会社・団体名が必要です"):
        do_assign_role(
            contractor,
            Role.CONTRACTOR,
            municipality=city.municipality,
            account=account,
            actor=city.people["office"],
        )
    with pytest.raises(ActionError, match="自治体全体の役割です"):
        do_assign_role(
            contractor,
            Role.AUDITOR,
            municipality=city.municipality,
            unit=city.units["a"],
            actor=city.people["office"],
        )
    # A section head assigns a contractor for an account of their own unit, not of another.
    assignment = do_assign_role(
        contractor,
        Role.CONTRACTOR,
        municipality=city.municipality,
        account=account,
        company="株式会社テスト",
        actor=city.people["head"],
    )
    other = new_account(city, unit="b")
    with pytest.raises(PermissionDenied):
        do_assign_role(
            contractor,
            Role.CONTRACTOR,
            municipality=city.municipality,
            account=other,
            company="株式会社テスト",
            actor=city.people["head"],
        )
    with pytest.raises(PermissionDenied):
        do_assign_role(contractor, Role.AUDITOR, municipality=city.municipality, actor=city.people["head"])
    with pytest.raises(ActionError, match="同じ役割が既に付与されています"):
        do_assign_role(
            contractor,
            Role.CONTRACTOR,
            municipality=city.municipality,
            account=account,
            company="株式会社テスト",
            actor=city.people["office"],
        )
    ended = do_end_role(city.people["office"], assignment)
    assert ended.ended_at is not None
    assert not RoleAssignment.objects.active().filter(pk=assignment.pk).exists()
    assert _events("org.role.end") == 1


def test_the_acting_person_is_keyword_only_where_a_second_person_appears(city):
    """do_assign_role(actor, user, ...) used to take two users positionally; a swap was silent."""
    import inspect

    from koshiki.people.actions import do_assign_role as assign

    for action in (assign, actions.do_add_roster_entry, actions.do_change_responsible, actions.do_step):
        parameter = inspect.signature(action).parameters["actor"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, action.__name__
    with pytest.raises(TypeError):
        assign(city.people["office"], city.people["nobody"], Role.AUDITOR, municipality=city.municipality)


def test_a_step_refuses_an_input_it_does_not_know(city):
    account = account_in(city, "section_review")
    with pytest.raises(TypeError, match="unknown step inputs: reason"):
        actions.do_approve(account, actor=city.people["head"], step_id="section_approve", reason="誤字")
    assert Account.objects.get(pk=account.pk).status == Status.SECTION_REVIEW
