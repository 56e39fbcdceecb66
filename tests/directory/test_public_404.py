"""A citizen who mistypes a public address lands on a page that leads back to the public directory,
never to the staff sign-in (issue 9 item 10)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_public_404_links_to_the_directory_and_not_to_the_staff_login(settings):
    settings.DEBUG = False
    response = Client().get("/public/accounts/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'href="/public/accounts/" id="public-directory-link"' in html
    assert "/login/" not in html and "公式アカウント管理" not in html


def test_staff_keep_their_own_404_with_the_way_home(kyoto, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(kyoto.operator)
    html = client.get("/posts/999999/").content.decode()
    assert "ページが見つかりません" in html and "ホームへ戻る" in html
