"""Staff pages name the guideline in words (issue 9 item 10: 「チェックの基準」, never ``kyoto`` or a hash)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_organisation_page_names_the_guideline_in_words(kyoto):
    client = Client()
    client.force_login(kyoto.office)
    html = client.get(reverse("org:overview")).content.decode()
    assert "チェックの基準: 京都市ソーシャルメディアガイドライン" in html
    assert "プロファイル: kyoto" not in html
