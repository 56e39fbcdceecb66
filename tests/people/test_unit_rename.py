"""A reorganisation renames a unit (機構改革): the governance office only, with a reason, audited; the
public 運用ポリシー of the accounts below it names the new 開設所属 at once (issue 9 item 5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.org.models import OrgUnit
from koshiki.people.actions import do_create_unit, do_rename_unit
from koshiki.registry.models import Account, OperationPolicy, StoredFindings
from tests.personas import account_in, make_city

pytestmark = pytest.mark.django_db

NEW = "広報戦略課"
REASON = "令和9年4月1日の機構改革"


def test_the_office_renames_a_unit_and_the_public_policy_follows(kyoto):
    account = account_in(kyoto, "listed")
    unit = account.owning_unit
    old_policy = account.current_policy
    old_label = old_policy.unit_label
    assert unit.name in old_label
    do_rename_unit(kyoto.office, unit, NEW, REASON)

    assert OrgUnit.objects.get(pk=unit.pk).name == NEW
    account = Account.objects.get(pk=account.pk)
    assert account.current_policy.version == old_policy.version + 1
    assert (
        account.current_policy.unit_label == account.owning_unit.full_name()
        and NEW in account.current_policy.unit_label
    )
    # The published version stays as it was published: versions are never rewritten.
    assert OperationPolicy.objects.get(pk=old_policy.pk).unit_label == old_label
    rename = AuditEvent.objects.get(action="org.unit.rename")
    assert rename.details["reason"] == REASON
    follow = AuditEvent.objects.get(action="account.policy.follow", object_id=str(account.pk))
    assert follow.after["unit_label"] == account.current_policy.unit_label
    assert verify_chain().ok
    # The stored findings were recomputed with the change, not left behind the account.
    assert StoredFindings.objects.get(account=account).account_updated_at == account.updated_at
    # The public list names the new 所管課.
    assert NEW in Client().get("/public/accounts/").content.decode()


def test_nobody_else_renames_and_a_bad_name_changes_nothing(kyoto):
    unit = kyoto.units["a"]
    for person in (kyoto.head, kyoto.operator, kyoto.auditor):
        with pytest.raises(PermissionDenied):
            do_rename_unit(person, unit, NEW, REASON)
    with pytest.raises(ActionError, match="理由"):
        do_rename_unit(kyoto.office, unit, NEW, "")
    with pytest.raises(ActionError, match="今の名称と同じ"):
        do_rename_unit(kyoto.office, unit, unit.name, REASON)
    do_create_unit(kyoto.office, kyoto.municipality, "文書課", "section", unit.parent)
    with pytest.raises(ActionError, match="既にあります"):
        do_rename_unit(kyoto.office, unit, "文書課", REASON)
    assert OrgUnit.objects.get(pk=unit.pk).name == unit.name
    assert not AuditEvent.objects.filter(action="org.unit.rename").exists()


def test_the_organisation_page_renames_with_a_japanese_error_for_a_missing_reason(kyoto):
    unit = kyoto.units["a"]
    office = Client()
    office.force_login(kyoto.office)
    page = office.get(reverse("org:overview")).content.decode()
    assert "組織の名称を変更する（機構改革）" in page
    url = reverse("org:unit_rename")
    missing = office.post(url, {"unit": unit.pk, "name": NEW, "reason": ""})
    assert missing.status_code == 200 and "このフィールドは必須です" in missing.content.decode()
    done = office.post(url, {"unit": unit.pk, "name": NEW, "reason": REASON}, follow=True)
    assert f"「{unit.name}」から「{NEW}」に変更しました" in done.content.decode()
    head = Client()
    head.force_login(kyoto.head)
    assert head.post(url, {"unit": unit.pk, "name": "勝手な課", "reason": REASON}).status_code == 403
    assert OrgUnit.objects.get(pk=unit.pk).name == NEW


def test_another_citys_office_cannot_rename_and_does_not_see_the_unit(kyoto):
    komae = make_city("komae")
    unit = kyoto.units["a"]
    with pytest.raises(PermissionDenied):
        do_rename_unit(komae.office, unit, NEW, REASON)
    other = Client()
    other.force_login(komae.office)
    # The form offers only the office's own units: another city's id is refused as a choice.
    answer = other.post(reverse("org:unit_rename"), {"unit": unit.pk, "name": NEW, "reason": REASON})
    assert answer.status_code == 200 and "正しく選択してください" in answer.content.decode()
    assert OrgUnit.objects.get(pk=unit.pk).name == unit.name
