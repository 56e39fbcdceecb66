"""Enrolling, verifying, renewing recovery codes and resetting a second factor (each audited).

Every action runs in one transaction with the person's device rows locked, so
two tabs cannot spend one recovery code twice or enrol two devices. The TOTP
secret and the recovery codes never enter the audit trail; events name the
person, the device and, for a reset, the reason.
"""

from __future__ import annotations

import secrets
import time
from binascii import unhexlify
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.org.access import municipality_of
from koshiki.security import access
from koshiki.security.models import (
    RECOVERY_ALPHABET,
    RECOVERY_CODE_LENGTH,
    RecoveryCode,
    RecoveryCodeDevice,
    code_digest,
)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "認証アプリ"
MAX_REASON = 500


@dataclass(frozen=True)
class Enrolment:
    """A confirmed TOTP device and its recovery codes: the only moment the codes exist in clear."""

    device: TOTPDevice
    recovery_codes: list[str]


def new_totp_key() -> str:
    """A fresh 160-bit TOTP secret, hex-encoded as django-otp stores it (RFC 4226 4: ≥128 bits)."""
    return random_hex(20)


def _matching_step(key: str, code: str) -> int | None:
    """The time step ``code`` belongs to for ``key`` (±1 step of clock skew), or None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    try:
        totp = TOTP(unhexlify(key.encode()), step=30, t0=0, digits=6)
    except (ValueError, TypeError):
        return None
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


def new_recovery_code() -> str:
    """``ABCD-EFGH-JKMN``: 12 characters of a 32-letter alphabet (60 bits), grouped for paper."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def _replace_recovery_codes(person: Person) -> list[str]:
    """Drop the person's old codes and store ten new ones, hashed; returns them in clear."""
    RecoveryCodeDevice.objects.filter(user=person).delete()
    device = RecoveryCodeDevice.objects.create(user=person, name="予備コード", confirmed=True)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=code_digest(c)) for c in codes)
    return codes


def _lock_person(person: Person) -> None:
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()


def do_enrol_second_factor(actor: Person, key: str, code: str) -> Enrolment:
    """Confirm the authenticator app holding ``key`` with one code from it; issue recovery codes.

    ``key`` was shown to the actor as a QR code and kept in their session
    (never in the database before this moment); the code proves the app
    holds it, so nobody is left with a device they cannot use.
    """
    require(getattr(actor, "is_authenticated", False), "2段階認証を設定するにはログインしてください")
    step = _matching_step(key, code)
    if step is None:
        raise ActionError(
            "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください"
            "（端末の時刻が合っているかも確かめてください）"
        )
    with transaction.atomic():
        _lock_person(actor)
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ActionError(
                "2段階認証は既に設定されています。端末を替えるときは所管課にリセットを依頼してください"
            )
        TOTPDevice.objects.filter(user=actor).delete()  # an abandoned unconfirmed one, if any
        device = TOTPDevice.objects.create(
            user=actor, name=TOTP_DEVICE_NAME, key=key, confirmed=True, last_t=step
        )
        codes = _replace_recovery_codes(actor)
        record_event(
            actor,
            "security.second_factor.enrol",
            actor,
            {},
            {"second_factor": "totp"},
            details={"device": device.persistent_id, "recovery_codes": RECOVERY_CODE_COUNT},
        )
    return Enrolment(device, codes)


def _throttle_message(device: Device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    failures = (data or {}).get("failure_count", 0)
    return (
        f"確認コードの誤りがあったため（連続{failures}回）、しばらく受け付けません。"
        "少し待ってから、もう一度入力してください"
    )


def do_verify_second_factor(actor: Person, code: str) -> Device:
    """The device that accepts ``code`` (a 6-digit TOTP code or a recovery code); audits a failure.

    Each device throttles itself (django-otp's ``ThrottlingMixin``: after n
    failures in a row, 2^(n-1) seconds pass before the next try counts), so
    guessing six digits from a stolen password takes years. A refused code is
    an audit event; the code typed is never recorded.
    """
    require(getattr(actor, "is_authenticated", False), "ログインしてください")
    typed = (code or "").strip()
    digits = typed.replace(" ", "")
    recovery = not (digits.isdigit() and len(digits) == 6)
    failed: str | None = None
    with transaction.atomic():
        _lock_person(actor)
        model = RecoveryCodeDevice if recovery else TOTPDevice
        device = model.objects.select_for_update().filter(user=actor, confirmed=True).first()
        if device is None:
            if recovery:
                raise ActionError("予備コードがありません。認証アプリの6桁の確認コードを入力してください")
            raise ActionError("2段階認証が設定されていません")
        throttled = _throttle_message(device)
        if throttled is not None:
            raise ActionError(throttled)
        if device.verify_token(digits if not recovery else typed):
            if recovery:
                left = device.remaining()
                record_event(
                    actor,
                    "security.recovery_code.use",
                    actor,
                    {},
                    {"recovery_codes_left": left},
                    details={"device": device.persistent_id},
                )
            return device
        failed = "recovery_code" if recovery else "totp"
        record_event(
            actor,
            "security.second_factor.fail",
            actor,
            {},
            {},
            details={"kind": failed, "failures_in_a_row": device.throttling_failure_count},
        )
    # Outside the block: the failure, its throttle count and its audit event are committed.
    if failed == "recovery_code":
        raise ActionError("予備コードが正しくないか、既に使われています")
    raise ActionError("確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください")


def do_regenerate_recovery_codes(actor: Person) -> list[str]:
    """Replace the actor's recovery codes with ten new ones (the old ones stop working at once)."""
    require(getattr(actor, "is_authenticated", False), "ログインしてください")
    with transaction.atomic():
        _lock_person(actor)
        if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ActionError("先に認証アプリで2段階認証を設定してください")
        codes = _replace_recovery_codes(actor)
        record_event(
            actor,
            "security.recovery_code.regenerate",
            actor,
            {},
            {"recovery_codes_left": RECOVERY_CODE_COUNT},
        )
    return codes


def do_reset_second_factor(actor: Person, person: Person, reason: str) -> int:
    """The governance office removes a person's authenticator and recovery codes, with a reason.

    The person is asked to enrol again at their next request (their
    verified session loses its device). Returns how many devices were removed.
    """
    require(
        access.can_reset_second_factor(actor, person),
        "2段階認証をリセットできるのは、その職員の自治体の所管課だけです（自分自身のリセットはできません）",
    )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionError("リセットの理由（本人からの申出の内容、本人確認の方法など）を入力してください")
    if len(reason) > MAX_REASON:
        raise ActionError(f"理由は{MAX_REASON}文字以内で入力してください")
    with transaction.atomic():
        _lock_person(person)
        totp = TOTPDevice.objects.filter(user=person)
        had = totp.filter(confirmed=True).exists()
        removed = totp.delete()[0]
        RecoveryCodeDevice.objects.filter(user=person).delete()
        if not had:
            raise ActionError("この職員は2段階認証を設定していません（リセットは不要です）")
        record_event(
            actor,
            "security.second_factor.reset",
            person,
            {"second_factor": "totp"},
            {"second_factor": None},
            details={"reason": reason, "reset_at": timezone.now()},
            municipality=municipality_of(actor),
        )
    return removed
