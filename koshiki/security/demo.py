"""The demo's authenticator: one published secret for every demo login that needs a second factor.

Demo only (``load_demo``): the secret is printed and in this repository, so a
device made from it protects nothing. ``manage.py demo_totp LOGIN`` shows the
current code for such a device and refuses any other, so it can never read a
real person's factor.
"""

from __future__ import annotations

from base64 import b32decode
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_TOTP_SECRET = "KOSHIKIDEMOKOSHIKIDEMOKOSHIKIDEM"  # base32, as authenticator apps take it
DEMO_DEVICE_NAME = "デモ用の認証アプリ（公開キー・本番では使用不可）"


def demo_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()


def enrol_demo(user: Any) -> TOTPDevice:
    """Give a demo login the demo device (set-up data, like its printed password)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": demo_key_hex(), "confirmed": True}
    )
    return device


def demo_device_of(user: Any) -> TOTPDevice | None:
    """The user's device when it is the demo's (same name and the published key), else None."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    return device if device is not None and device.key == demo_key_hex() else None


def current_code(device: TOTPDevice) -> str:
    """The 6-digit code to type now: the app's current one, or the next when it was just used.

    django-otp accepts each time step once (no replay) and one step ahead, so a
    second sign-in within the same 30 seconds gets the next step's code.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    totp.drift += max(now, device.last_t + 1) - now
    return f"{totp.token():06d}"
