"""Recovery codes as a django-otp device, stored hashed.

django-otp's own ``StaticDevice`` keeps its tokens in clear text, so anyone who
can read the database could sign in as a section head with them. Here each
code is kept only as its SHA-256 digest: the codes are random (60 bits each,
see ``recovery.new_code``), so no salt or slow hash is needed to stop a
dictionary, and checking ten of them stays cheap. A used code is marked, not
deleted, so the page can say how many are left and when one was used.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


def normalise_code(code: str) -> str:
    """``abcd-efgh-jkmn`` → ``ABCDEFGHJKMN``: case, spaces and hyphens as people type them."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A person's set of single-use recovery codes (予備コード), one set per person."""

    class Meta(Device.Meta):
        verbose_name = "予備コード"
        verbose_name_plural = "予備コード"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token: str) -> bool:
        """Accept an unused code once (marks it used); failures count towards the throttle.

        Called inside a transaction with the device row locked
        (``django_otp.verify_token`` / ``actions.do_verify_second_factor``).
        """
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        wanted = code_digest(token)
        match = None
        if len(normalise_code(token)) == RECOVERY_CODE_LENGTH:
            for code in self.codes.filter(used_at__isnull=True):
                if hmac.compare_digest(code.code_hash, wanted):
                    match = code
                    break
        if match is None:
            self.throttle_increment(commit=True)
            return False
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


RECOVERY_CODE_LENGTH = 12


class RecoveryCode(models.Model):
    """One recovery code, as its digest; ``used_at`` is set when it is spent."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "予備コード（1件）"
        verbose_name_plural = "予備コード（1件）"
