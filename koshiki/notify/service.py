"""``notify(...)``: the one call every workflow step makes to tell whoever must act next.

Called inside the acting ``transaction.atomic()``: the notification rows and
outbox mails commit or roll back with the change. Mails go out after commit
(``transaction.on_commit``); a failed send stays in the outbox and is retried
by ``run_duties`` with back-off, so a broken SMTP relay never blocks or undoes
the action that caused the mail. Each person chooses immediate mails or one
daily digest (``Preference``); the inbox shows everything either way.

Mails are plain Japanese text: the title, a short line, and the link to the
page. Callers never pass a post's full text or any secret; the linked page
checks access as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.fiscal import to_wareki
from koshiki.notify.models import Delivery, MailStatus, Notification, OutboxMail, Preference

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # 5 min, 10, 20, 40, 80, 160, 320 min: about 10 hours of retries
FIRST_RETRY = timedelta(minutes=5)
STALE_CLAIM = timedelta(minutes=30)  # a sender that died mid-send; its mail is tried again
SUBJECT_PREFIX = "[Koshiki] "


def _base_url() -> str:
    return str(getattr(settings, "KOSHIKI_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def _name(user: Any) -> str:
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()


def delivery_of(user: Any) -> str:
    pref = Preference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return pref or Delivery.IMMEDIATE


def _mail_body(user: Any, notification: Notification) -> str:
    lines = [f"{_name(user)} 様", "", notification.title]
    if notification.body:
        lines += ["", notification.body]
    lines += [
        "",
        "次のページで内容を確認し、対応してください。",
        f"{_base_url()}{notification.url}",
        "",
        "—",
        "このメールは Koshiki（公式アカウント管理）から自動で送っています。",
        f"受け取り方（その都度／1日1回まとめて）は {_base_url()}/inbox/settings/ で変更できます。",
    ]
    return "\n".join(lines)


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    title: str,
    url: str,
    body: str = "",
    municipality: Any = None,
    key: str = "",
    topic: str = "",
    settles: bool = True,
    exclude: Person | None = None,
) -> list[Notification]:
    """Tell each recipient (once; never ``exclude``, the person acting) that something waits for them.

    ``key`` makes the call idempotent per recipient (a second call with the
    same key notifies nobody again). ``topic`` names the record; unless
    ``settles`` is False, the earlier open notifications about it are settled
    first (the step they asked for has been taken). Returns the notifications
    created.
    """
    seen: set[int] = set()
    people = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if exclude is not None and user.pk == getattr(exclude, "pk", None):
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return []
    if key:
        done = set(
            Notification.objects.filter(recipient__in=people, key=key).values_list("recipient_id", flat=True)
        )
        people = [u for u in people if u.pk not in done]
    if not people:
        return []
    if topic and settles:
        settle(topic)
    created: list[Notification] = []
    mails: list[int] = []
    immediate = {
        u.pk for u in people if delivery_of(u) == Delivery.IMMEDIATE
    }  # one small query per person; recipients are a handful
    now = timezone.now()
    for user in people:
        try:
            with transaction.atomic():  # a savepoint: a racing duplicate key skips only this person
                n = Notification.objects.create(
                    recipient=user,
                    municipality=municipality,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    key=key,
                    topic=topic,
                )
        except IntegrityError:
            continue
        created.append(n)
        if user.pk in immediate and user.email:
            mail = OutboxMail.objects.create(
                recipient=user,
                to=user.email,
                subject=(SUBJECT_PREFIX + n.title)[:300],
                body=_mail_body(user, n),
                notification=n,
                next_attempt_at=now,
            )
            mails.append(mail.pk)
    if mails:
        transaction.on_commit(lambda: deliver(mails), robust=True)
    return created


def settle(topic: str) -> int:
    """Mark the open notifications about ``topic`` as settled (a later step or the record did it)."""
    return Notification.objects.filter(topic=topic, read_at__isnull=True, settled_at__isnull=True).update(
        settled_at=timezone.now()
    )


def _claim(mail_id: int, now: datetime) -> bool:
    """Take the mail for sending with a conditional UPDATE: only one sender wins it."""
    return bool(
        OutboxMail.objects.filter(pk=mail_id, status=MailStatus.PENDING, next_attempt_at__lte=now).update(
            status=MailStatus.SENDING, claimed_at=now
        )
    )


def deliver(mail_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> tuple[int, int]:
    """Send pending mails that are due (all of them, or those named); (sent, failed) counts. Never raises."""
    now = now or timezone.now()
    # A sender that died after claiming: the mail goes back to the queue.
    OutboxMail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=MailStatus.PENDING
    )
    pending = OutboxMail.objects.filter(status=MailStatus.PENDING, next_attempt_at__lte=now)
    if mail_ids is not None:
        pending = pending.filter(pk__in=list(mail_ids))
    sent = failed = 0
    for mail_id in list(pending.order_by("pk").values_list("pk", flat=True)):
        if not _claim(mail_id, now):
            continue
        mail = OutboxMail.objects.get(pk=mail_id)
        try:
            EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send()
        except Exception as exc:  # noqa: BLE001 - any transport error is retried, never raised
            failed += 1
            attempts = mail.attempts + 1
            status = MailStatus.FAILED if attempts >= MAX_ATTEMPTS else MailStatus.PENDING
            OutboxMail.objects.filter(pk=mail_id).update(
                status=status,
                attempts=attempts,
                next_attempt_at=now + FIRST_RETRY * (2 ** (attempts - 1)),
                last_error=f"{type(exc).__name__}: {exc}"[:1000],
            )
            log.warning(
                "mail %s to user %s failed (attempt %s): %s", mail_id, mail.recipient_id, attempts, exc
            )
        else:
            sent += 1
            OutboxMail.objects.filter(pk=mail_id).update(
                status=MailStatus.SENT, attempts=mail.attempts + 1, sent_at=timezone.now(), last_error=""
            )
    return sent, failed


def queue_digests(day: date) -> int:
    """Queue one digest mail per digest-preferring person with unread, undigested notifications (idempotent).

    The digest for ``day`` is unique per person (a database constraint), so
    a second run the same day queues nothing.
    """
    queued = 0
    for pref in Preference.objects.filter(delivery=Delivery.DIGEST).select_related("user").order_by("pk"):
        user = pref.user
        if not user.is_active or not user.email:
            continue
        items = list(
            Notification.objects.unread()
            .filter(recipient=user, digested_on__isnull=True)
            .order_by("created_at", "pk")[:50]
        )
        if not items:
            continue
        lines = [
            f"{_name(user)} 様",
            "",
            f"{to_wareki(day)}の時点で、あなたの対応を待っている事項が{len(items)}件あります。",
            "",
        ]
        for n in items:
            lines += [f"・{n.title}", f"  {_base_url()}{n.url}"]
        lines += [
            "",
            f"一覧: {_base_url()}/inbox/",
            "—",
            "このメールは Koshiki（公式アカウント管理）から1日1回まとめて送っています。",
            f"受け取り方は {_base_url()}/inbox/settings/ で変更できます。",
        ]
        try:
            with transaction.atomic():
                OutboxMail.objects.create(
                    recipient=user,
                    to=user.email,
                    subject=f"{SUBJECT_PREFIX}対応待ち {len(items)}件（{to_wareki(day)}）",
                    body="\n".join(lines),
                    digest_on=day,
                    next_attempt_at=timezone.now(),
                )
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_on=day)
        except IntegrityError:
            continue
        queued += 1
    return queued


def unread_count(user: Any) -> int:
    """The number for the menu's 「対応待ち」 badge (one COUNT query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.unread().filter(recipient=user).count()
