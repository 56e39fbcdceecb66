"""Row locks under real concurrency (PostgreSQL only: SQLite has no row locks).

Each thread opens its own database connection. A short pause inside the
audit append keeps the first transaction open while the second one arrives,
so the second really waits on the lock instead of merely running later.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from koshiki.audit import events as audit_events
from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.registry import actions
from koshiki.registry.models import Account
from koshiki.registry.states import Status
from tests.personas import account_in, make_city, new_account

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SQLite serialises whole transactions; run with DATABASE_URL=postgres://...)",
    ),
]


def _slow_audit(monkeypatch, seconds: float = 0.4) -> None:
    real = audit_events.record_event

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    for module in (actions.records, actions.engine):  # every module of the package that appends
        monkeypatch.setattr(module, "record_event", slow)


def _race(*calls):
    """Run the calls in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_section_heads_approving_at_once_exactly_one_wins(monkeypatch):
    city = make_city("kyoto")
    account = account_in(city, "section_review")
    events_before = AuditEvent.objects.filter(action="account.approve").count()
    _slow_audit(monkeypatch)

    def approve(head):
        return lambda: actions.do_approve(
            account.pk, step_id="section_approve", documents=["unblock_request"], actor=head
        )

    results = _race(approve(city.people["head"]), approve(city.people["head2"]))
    wins = [r for r in results if isinstance(r, Account)]
    losses = [r for r in results if isinstance(r, ActionError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "既に「所属長が承認し" in losses[0].message
    assert Account.objects.get(pk=account.pk).status == Status.UNDER_REVIEW
    assert AuditEvent.objects.filter(action="account.approve").count() == events_before + 1
    assert verify_chain().ok


def test_concurrent_appends_never_fork_the_audit_chain(monkeypatch):
    city = make_city("kyoto")
    accounts = [new_account(city) for _ in range(4)]
    _slow_audit(monkeypatch, 0.1)
    operator = city.people["operator"]
    calls = [
        (lambda a=a: actions.do_update_account(operator, a.pk, {"purpose": f"並行更新 {a.pk}"}))
        for a in accounts
    ]
    results = _race(*calls)
    assert all(isinstance(r, Account) for r in results), results
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
