"""Shared set-up for the duty, notification, committee and roster tests: everyone gets a mail address."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture(autouse=True)
def _locmem_mail(settings):  # noqa: ANN001
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KOSHIKI_BASE_URL = "https://koshiki.city.test.lg.jp"


def give_mail_addresses() -> None:
    """Every test person gets an address at the city's domain (the builders leave it empty)."""
    for user in get_user_model().objects.all():
        user.email = f"{user.username}@city.test.lg.jp"
        user.save(update_fields=["email"])
