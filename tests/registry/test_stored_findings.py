"""Account findings are stored per account and kept current (issue 10 item 9).

The home page and the attention list read the stored rows; a registry action
that changes an account recomputes its row in the same transaction; a row
from another checker or profile version, another day, or older than the
account is recomputed when read; the daily duty run recomputes the
time-based rules for every account.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from koshiki.duties import runner
from koshiki.registry import actions, attention
from koshiki.registry import stored_findings as store
from koshiki.registry.models import Account, StoredFindings
from koshiki.registry.worklist import worklist
from tests.personas import account_in

pytestmark = pytest.mark.django_db


def _rules(account: Account) -> set[str]:
    row = StoredFindings.objects.get(account=account)
    return {f["rule"] for f in row.findings}


def _flagged_rules(user, account: Account, today: date | None = None) -> set[str]:  # noqa: ANN001
    work = worklist(user, today)
    items = {item.account.pk: item for item in [*work.pending, *work.flagged]}
    return {f.rule for f in items[account.pk].findings} if account.pk in items else set()


def test_a_security_update_recomputes_the_accounts_stored_findings(city):  # noqa: ANN001
    account = account_in(city, "listed", display_name="京都市 防災情報")
    actions.do_update_security(city.people["operator"], account, {"mfa_enabled": False})
    assert "account.mfa" in _rules(account)
    assert "account.mfa" in _flagged_rules(city.people["office"], account)
    actions.do_update_security(city.people["operator"], account, {"mfa_enabled": True})
    assert "account.mfa" not in _rules(account)
    assert "account.mfa" not in _flagged_rules(city.people["office"], account)


def test_a_row_from_another_checker_version_is_recomputed_when_read(city, monkeypatch):  # noqa: ANN001
    account = account_in(city, "listed", display_name="京都市 防災情報")
    actions.do_update_security(city.people["operator"], account, {"mfa_enabled": False})
    row = StoredFindings.objects.get(account=account)
    assert row.version == store.findings_version(row.account.municipality)
    # An upgrade changes the checker's version: the stored row no longer counts as current.
    monkeypatch.setattr(store, "REGISTRY_FINDINGS_VERSION", "2-test")
    StoredFindings.objects.filter(account=account).update(findings=[], errors=0, warnings=0)
    assert "account.mfa" in _flagged_rules(city.people["office"], account)
    row = StoredFindings.objects.get(account=account)
    assert row.version.endswith("/2-test") and "account.mfa" in {f["rule"] for f in row.findings}


def test_a_row_older_than_the_account_is_recomputed_when_read(city):  # noqa: ANN001
    """A change saved outside the registry's actions (another app, an admin) is not missed."""
    account = account_in(city, "listed", display_name="京都市 防災情報")
    assert "account.mfa" not in _rules(account)
    locked = Account.objects.get(pk=account.pk)
    locked.mfa_enabled = False
    locked.save()
    assert "account.mfa" in _flagged_rules(city.people["office"], account)
    assert "account.mfa" in _rules(account)


def test_a_reader_found_clean_skips_the_search_until_the_city_changes(city, monkeypatch):  # noqa: ANN001
    """The search over every account runs again only when the day, a version or an account changes."""
    account = account_in(city, "listed", display_name="京都市 防災情報")
    office = city.people["office"]
    worklist(office)  # finds everything current (or makes it so) and marks the office's scope
    searches = []
    real = store.stale
    monkeypatch.setattr(store, "stale", lambda *a, **k: searches.append(1) or real(*a, **k))
    worklist(office)
    assert searches == []  # nothing changed: no search
    # A change saved outside the actions moves the city's state: searched, and the row caught up.
    locked = Account.objects.get(pk=account.pk)
    locked.mfa_enabled = False
    locked.save()
    assert "account.mfa" in _flagged_rules(office, account)
    assert searches == [1]
    # A new checker or profile version (an upgrade, a settings change) does too.
    monkeypatch.setattr(store, "REGISTRY_FINDINGS_VERSION", "2-test")
    worklist(office)
    assert searches == [1, 1]
    assert StoredFindings.objects.get(account=account).version.endswith("/2-test")


def test_the_daily_duty_run_recomputes_time_based_findings(city):  # noqa: ANN001
    account = account_in(city, "listed", display_name="京都市 イベント情報")
    end = timezone.localdate() + timedelta(days=3)
    actions.do_file_change(
        account,
        actor=city.people["operator"],
        changes={"period_end": end},
        reasons="イベント終了に合わせて運用を終える",
    )
    assert "registry.period_ended" not in _rules(account)
    later = end + timedelta(days=2)
    report = runner.run(later, send=False)
    assert report.findings_refreshed >= 1
    row = StoredFindings.objects.get(account=account)
    assert row.computed_on == later and "registry.period_ended" in {f["rule"] for f in row.findings}


def test_pages_read_stored_rows_instead_of_running_the_rules(city, client_for, monkeypatch):  # noqa: ANN001
    account = account_in(city, "listed", display_name="京都市 防災情報")
    actions.do_update_security(city.people["operator"], account, {"mfa_enabled": False})
    office = client_for(city.people["office"])
    office.get("/")  # every row current after this
    calls = []
    real = attention.check_subject
    monkeypatch.setattr(attention, "check_subject", lambda *a, **k: calls.append(a) or real(*a, **k))
    home = office.get("/").content.decode()
    listing = office.get("/accounts/attention/").content.decode()
    assert calls == []
    assert "京都市 防災情報" in home and "京都市 防災情報" in listing
    assert "規則の指摘があるアカウント（" in home


def test_the_attention_list_counts_every_flagged_account_and_pages_them(city):  # noqa: ANN001
    flagged = []
    for name in ("京都市 防災情報", "京都市 子育て応援", "京都市 観光案内"):
        account = account_in(city, "listed", display_name=name)
        actions.do_update_security(city.people["operator"], account, {"mfa_enabled": False})
        flagged.append(account.pk)
    work = worklist(city.people["office"], per_page=2)
    shown = [item.account.pk for item in [*work.pending, *work.flagged]]
    assert work.flagged_count == 3
    assert work.error_count == StoredFindings.objects.filter(account__in=flagged, errors__gt=0).count()
    assert work.flagged.paginator.num_pages >= 2 and len(work.flagged.object_list) == 2
    second = worklist(city.people["office"], page=2, per_page=2)
    shown += [item.account.pk for item in second.flagged]
    assert set(flagged) <= set(shown)


def test_the_rest_of_the_flagged_list_is_counted_without_the_pending_accounts(city):  # noqa: ANN001
    """The page count is computed, not queried: flagged accounts less those already listed as pending."""
    names = ("京都市 防災情報", "京都市 子育て応援", "京都市 観光案内")
    accounts = [account_in(city, "listed", display_name=name) for name in names]
    for account in accounts:
        actions.do_update_security(city.people["operator"], account, {"mfa_enabled": False})
    # One flagged account has its status check due today: it is pending, not in the rest.
    Account.objects.filter(pk=accounts[0].pk).update(next_check_due=timezone.localdate())
    work = worklist(city.people["office"], per_page=2)
    pending = {item.account.pk for item in work.pending}
    assert accounts[0].pk in pending
    rest = [item.account.pk for item in work.flagged]
    rest += [item.account.pk for item in worklist(city.people["office"], page=2, per_page=2).flagged]
    assert (
        work.flagged.paginator.count
        == len(set(rest))
        == work.flagged_count - len(pending & {a.pk for a in accounts})
    )
    assert pending.isdisjoint(rest)


def test_an_operator_sees_only_the_findings_of_accounts_they_may_see(city):  # noqa: ANN001
    mine = account_in(city, "listed", display_name="京都市 広報課の告知")
    theirs = account_in(city, "listed", unit="b", display_name="京都市 観光課の告知")
    for account, who in ((mine, "operator"), (theirs, "operator_b")):
        actions.do_update_security(city.people[who], account, {"mfa_enabled": False})
    work = worklist(city.people["operator"])
    seen = {item.account.pk for item in [*work.pending, *work.flagged]}
    assert mine.pk in seen and theirs.pk not in seen


def test_the_daily_command_recomputes_rows_of_another_day_and_only_those(city):  # noqa: ANN001
    account = account_in(city, "listed", display_name="京都市 防災情報")
    out = io.StringIO()
    call_command("refresh_account_findings", stdout=out)
    assert out.getvalue().startswith("0件")
    yesterday = timezone.localdate() - timedelta(days=1)
    StoredFindings.objects.filter(account=account).update(computed_on=yesterday)
    out = io.StringIO()
    call_command("refresh_account_findings", stdout=out)
    assert out.getvalue().startswith("1件")
    assert StoredFindings.objects.get(account=account).computed_on == timezone.localdate()


def test_a_page_recomputes_a_bounded_batch_rows_behind_their_account_first(city, monkeypatch):  # noqa: ANN001
    """After an upgrade every row is stale at once: a page view recomputes a few (those that may hide
    a change first), not the whole city — 3,000 at once took 3.2 s per view in the load benchmark."""
    accounts = [account_in(city, "listed", display_name=f"京都市 お知らせ{n}") for n in range(4)]
    monkeypatch.setattr(store, "REGISTRY_FINDINGS_VERSION", "2-test")
    monkeypatch.setattr("koshiki.registry.worklist.READER_LIMIT", 2)
    # The last account changed outside the actions: its row is behind the account, not only old.
    changed = Account.objects.get(pk=accounts[-1].pk)
    changed.mfa_enabled = False
    changed.save()
    worklist(city.people["office"])
    current = store.findings_version(city.municipality)
    fresh = set(StoredFindings.objects.filter(version=current).values_list("account_id", flat=True))
    assert len(fresh & {a.pk for a in accounts}) == 2 and changed.pk in fresh
    assert "account.mfa" in _rules(changed)
    # The next views catch up; the command does the rest at once.
    worklist(city.people["office"])
    assert {a.pk for a in accounts} <= set(
        StoredFindings.objects.filter(version=current).values_list("account_id", flat=True)
    )
