"""Production: gunicorn started by the documented command serves pages, static files and /healthz.

The command is the one docs/deploy.md and the systemd unit give; behind an
HTTPS front server on another host (Host rewritten to the backend's address,
``X-Forwarded-Proto: https``) a login POST passes the CSRF origin check once
``CSRF_TRUSTED_ORIGINS`` and ``SECURE_PROXY_SSL_HEADER`` are set.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import subprocess
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from koshiki.web.logfilters import JsonFormatter, RedactSecretsFilter
from tests.ops.helpers import ROOT, VENV_BIN, free_port, manage, scratch_site

DOCUMENTED = ["gunicorn", "-c", "python:koshiki.web.gunicorn_conf", "koshiki.web.wsgi"]
ORIGIN = "https://sns.minato.example.lg.jp"


def _request(port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def _wait_until_up(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {server.stdout.read() if server.stdout else ''}")
        try:
            response, _ = _request(port, "GET", "/healthz")
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("gunicorn did not answer /healthz within 90 s")


def test_documented_command_matches_docs_and_systemd_unit():
    docs = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    unit = (ROOT / "deploy" / "systemd" / "koshiki.service").read_text(encoding="utf-8")
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert " ".join(DOCUMENTED) in docs
    assert f"/.venv/bin/{' '.join(DOCUMENTED)}" in unit
    assert f"CMD {json.dumps(DOCUMENTED)}" in dockerfile


@pytest.mark.django_db
def test_gunicorn_serves_a_page_a_static_file_and_a_login_through_an_https_proxy(tmp_path: Path):
    with scratch_site(tmp_path) as env:
        manage(env, "migrate", "--no-input")
        manage(env, "create_municipality", "みなと市", "kyoto", "--office-user", "johoka", "--family", "情報")
        port = free_port()
        env.update(
            KOSHIKI_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="1",
            LOG_FORMAT="json",
            CSRF_TRUSTED_ORIGINS=ORIGIN,
            SECURE_PROXY_SSL_HEADER="1",
            SECURE_COOKIES="1",
            FORWARDED_ALLOW_IPS="127.0.0.1",
        )
        server = subprocess.Popen(
            [str(VENV_BIN / DOCUMENTED[0]), *DOCUMENTED[1:]],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_until_up(port, server)
            response, page = _request(port, "GET", "/login/")
            assert response.status == 200 and "ログイン" in page.decode()
            assert response.getheader("Content-Security-Policy")
            response, css = _request(port, "GET", "/static/koshiki.css")
            assert response.status == 200 and response.getheader("Content-Type").startswith("text/css")
            assert css == (ROOT / "koshiki" / "ui" / "static" / "koshiki.css").read_bytes()
            response, health = _request(port, "GET", "/healthz")
            assert json.loads(health) == {"status": "ok", "database": "ok"}
            # Without Redis the workers share the public bodies under $KOSHIKI_DATA_DIR/public-cache.
            response, _ = _request(port, "GET", "/public/accounts/")
            assert response.status == 200
            assert list((tmp_path / "data" / "public-cache").iterdir())

            # The login through a TLS proxy on another host: Host is the backend's, the origin the public one.
            proxied = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}"}
            response, page = _request(port, "GET", "/login/", headers=proxied)
            cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
            assert "Secure" in response.getheader("Set-Cookie")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
            form = f"csrfmiddlewaretoken={token}&username=johoka&password=minato-Koho-2026!"
            headers = {
                **proxied,
                "Origin": ORIGIN,
                "Referer": f"{ORIGIN}/login/",
                "Cookie": f"csrftoken={cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            response, _ = _request(port, "POST", "/login/", form, headers)
            assert response.status == 302 and response.getheader("Location") == "/"
            # A page from another origin is still refused.
            response, _ = _request(
                port, "POST", "/login/", form, {**headers, "Origin": "https://evil.example"}
            )
            assert response.status == 403
        finally:
            server.terminate()
            output, _ = server.communicate(timeout=30)
        # Structured access log on stdout: one JSON object per request.
        lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"time"')]
        assert any(
            e.get("request") == "GET /static/koshiki.css HTTP/1.1" and e["status"] == 200 for e in lines
        )


def test_check_deploy_passes_clean_with_the_documented_production_settings(tmp_path: Path):
    with scratch_site(tmp_path) as env:
        env.update(
            SECRET_KEY="k" * 20 + "-本番用の長い鍵-" + "x9Qz!" * 8,
            SECURE_COOKIES="1",
            SECURE_SSL_REDIRECT="1",
            SECURE_HSTS_SECONDS="31536000",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
            SECURE_HSTS_PRELOAD="1",
        )
        done = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
        assert done.returncode == 0, done.stderr
        env.pop("SECURE_HSTS_SECONDS")
        done = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
        assert done.returncode != 0 and "security.W004" in done.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_and_503_in_japanese_when_the_database_is_gone():
    client = Client()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"
    with mock.patch("koshiki.ops.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "データベースに接続できません"
    assert client.post("/healthz").status_code == 405


def test_json_log_lines_carry_level_logger_and_japanese_message():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/posts/submit/abc123/",), None
    )
    RedactSecretsFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /posts/submit/[秘匿]/"
