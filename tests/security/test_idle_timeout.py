"""Idle timeout (issue 10 item 6): a staff session ends after KOSHIKI_IDLE_MINUTES without a request."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings

from koshiki.security.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db


def _idle_for(client, minutes: float) -> None:  # noqa: ANN001
    session = client.session
    session[LAST_SEEN] = int(time.time() - minutes * 60)
    session.save()


def test_a_session_idle_for_thirty_minutes_ends_with_a_japanese_message(city, client_for):
    client = client_for(city.people["head"])
    assert client.get("/").status_code == 200
    _idle_for(client, 29)
    assert client.get("/posts/").status_code == 200  # 29 minutes: still signed in
    _idle_for(client, 31)
    ended = client.get("/accounts/")
    assert ended.status_code == 302 and ended["Location"] == "/login/?next=/accounts/"
    login = client.get(ended["Location"]).content.decode()
    assert "一定時間（30分）操作がなかったため、安全のためログアウトしました" in login
    # The session is gone: nothing of the staff side answers, the message shows once.
    again = client.get("/")
    assert again.status_code == 302 and again["Location"].startswith("/login/")
    assert "操作がなかったため" not in client.get("/login/").content.decode()


def test_an_action_posted_after_the_timeout_is_not_performed(city, client_for):
    from koshiki.api.models import ApiToken

    client = client_for(city.people["operator"])
    client.get("/")
    _idle_for(client, 45)
    response = client.post("/api/tokens/new/", {"name": "CMS連携"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not ApiToken.objects.exists()


def test_activity_keeps_the_session_and_the_limit_follows_the_setting(city, client_for, settings):
    settings.KOSHIKI_IDLE_MINUTES = 15
    client = client_for(city.people["operator"])
    client.get("/")
    _idle_for(client, 10)
    assert client.get("/posts/").status_code == 200
    # That request counted as activity: ten more minutes are fine, sixteen are not.
    assert time.time() - client.session[LAST_SEEN] < 60
    _idle_for(client, 16)
    response = client.get("/posts/")
    assert response.status_code == 302
    assert "15分" in client.get(response["Location"]).content.decode()


def test_the_idle_limit_comes_from_the_environment():
    code = "from django.conf import settings; print(settings.KOSHIKI_IDLE_MINUTES)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "koshiki.web.settings", "KOSHIKI_IDLE_MINUTES": "20"}
    run = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=django_settings.BASE_DIR,
        check=True,
    )
    assert run.stdout.strip() == "20"
    env.pop("KOSHIKI_IDLE_MINUTES")
    default = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=django_settings.BASE_DIR,
        check=True,
    )
    assert default.stdout.strip() == "30"


def test_public_pages_and_the_token_api_have_no_idle_session(city, client):  # noqa: ANN001
    assert client.get("/public/accounts/").status_code == 200
    assert LAST_SEEN not in client.session
