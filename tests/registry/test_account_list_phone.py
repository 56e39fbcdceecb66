"""The staff account list on a 390 px phone (issue 9 item 10): each row becomes a card whose cells name
their column, so nothing needs sideways scrolling (the CSS is checked in a real browser by the browser tests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import koshiki
from tests.personas import account_in

pytestmark = pytest.mark.django_db


def test_every_cell_of_the_account_list_names_its_column(kyoto):
    account_in(kyoto, "listed")
    client = Client()
    client.force_login(kyoto.office)
    html = client.get(reverse("registry:account_list")).content.decode()
    assert '<table class="accounts" id="account-list">' in html
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td([^>]*)>", row)
    assert len(cells) == 7
    assert 'class="card-title"' in cells[0]
    labels = [re.search(r'data-label="([^"]+)"', c).group(1) for c in cells[1:]]
    assert labels == ["種類", "ID", "開設所属", "ジャンル", "状態", "一覧"]
    css = (Path(koshiki.__file__).parent / "ui/static/koshiki.css").read_text(encoding="utf-8")
    assert "table.accounts td[data-label]::before" in css and "@media (max-width: 40rem)" in css
