"""The city's settings where the city meets them: the demo city's own number, and /api/check."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from koshiki.api.actions import do_create_api_token
from koshiki.citysettings.actions import do_change_city_settings
from koshiki.citysettings.models import CitySettings
from koshiki.org.models import Municipality
from koshiki.posts.actions.common import check_draft_content
from koshiki.registry.models import Account

pytestmark = pytest.mark.django_db

WARD_POST = "住民票の写しは北区役所でも受け取れます。お問い合わせは北区役所市民窓口課（075-432-1199）まで。"
MINATO_POST = "粗大ごみの収集日が変わりました。お問い合わせは、みなと市役所（0123-45-6789）まで。"


def _check(secret: str, payload: dict) -> dict:  # noqa: ANN001
    response = Client().post(
        "/api/check",
        json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200
    return response.json()


def test_the_demo_city_has_its_own_number_and_domain_without_a_waiver():
    call_command("load_demo", stdout=StringIO())
    minato = Municipality.objects.get(name="みなと市")
    assert minato.slug == "minato"
    row = CitySettings.objects.get(municipality=minato)
    assert row.values["public_phones"] == ["0123-45-6789"]
    assert "city.minato.lg.jp" in row.values["official_domains"]
    account = Account.objects.get(municipality=minato, handle="minato_koho")
    *_, findings = check_draft_content(account, MINATO_POST + " https://www.city.minato.lg.jp/gomi/", [], [])
    assert not [f for f in findings if f["rule"] in ("pii.phone", "link.unsafe")]
    # The page of the public directory under the city's own name.
    assert "みなと市" in Client().get("/public/minato/accounts/").content.decode()


def test_api_check_uses_the_token_citys_settings(kyoto):
    secret = do_create_api_token(kyoto.operator, "ブラウザ拡張（広報課の共用PC）").secret
    assert "pii.phone" in {f["rule"] for f in _check(secret, {"text": WARD_POST})["findings"]}
    do_change_city_settings(kyoto.office, kyoto.municipality, {"public_phones": "075-222-3111\n075-432-1199"})
    second = _check(secret, {"text": WARD_POST})
    assert "pii.phone" not in {f["rule"] for f in second["findings"]}
    # Naming a profile explicitly checks against that profile as installed, without the city's settings.
    named = _check(secret, {"text": WARD_POST, "profile": "kyoto"})
    assert "pii.phone" in {f["rule"] for f in named["findings"]}
