"""The settings module: Japanese, Tokyo time, Argon2 first, the database from the environment."""

from __future__ import annotations

import dj_database_url
from django.conf import settings
from django.contrib.auth.hashers import get_hasher


def test_language_and_time_zone_are_japanese():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True


def test_passwords_are_hashed_with_argon2_first():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher().algorithm == "argon2"


def test_database_comes_from_database_url_or_defaults_to_sqlite(monkeypatch):
    parsed = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/koshiki_dev")
    assert parsed["ENGINE"] == "django.db.backends.postgresql"
    assert parsed["NAME"] == "koshiki_dev"
    engine = settings.DATABASES["default"]["ENGINE"]
    assert engine in ("django.db.backends.sqlite3", "django.db.backends.postgresql")


def test_nothing_is_loaded_from_a_cdn():
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "koshiki"
    for app in ("web", "audit", "org", "registry"):
        for template in (root / app / "templates").glob("**/*.html"):
            text = template.read_text(encoding="utf-8")
            assert "https://cdn" not in text and "googleapis" not in text, template
