"""Two run_duties at once (two cron hosts, or cron and a manual run) on PostgreSQL: nothing twice.

Each thread has its own connection; the tasks' unique key, the notifications'
(recipient, key) and the outbox's conditional UPDATE claim keep every task,
notification and mail single.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection, connections

from koshiki.duties.models import DutyTask
from koshiki.duties.runner import run
from koshiki.notify.models import MailStatus, Notification, OutboxMail
from koshiki.registry.models import Account
from tests.personas import account_in, give_mail_addresses, make_city

pytestmark = [
    pytest.mark.usefixtures("mail_settings"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (real concurrent transactions)"
    ),
]


def test_two_runs_at_once_create_notify_and_send_each_thing_once():
    city = make_city("kawasaki")
    account = account_in(city, "listed")
    Account.objects.filter(pk=account.pk).update(
        password_changed_at=date(2024, 4, 1), last_posted_at=date(2025, 11, 20)
    )
    give_mail_addresses()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one_run() -> None:
        try:
            barrier.wait()
            run(date(2026, 6, 1))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    keys = list(DutyTask.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) and any(k.startswith("password_rotation") for k in keys)
    pairs = list(Notification.objects.exclude(key="").values_list("recipient_id", "key"))
    assert len(pairs) == len(set(pairs))
    sent = OutboxMail.objects.filter(status=MailStatus.SENT)
    assert sent.count() == len(mail.outbox)  # every mail sent exactly once
    assert not OutboxMail.objects.filter(status=MailStatus.SENDING).exists()
